/**
 * The backpressure experiment: two producers feed two slow consumers through
 * a 4-slot blocking queue. The producers must block when it is full (their
 * puts are paced by the consumers' work), and nothing may be lost. The table
 * also shows the queue's throughput runs from the transports experiment.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { fmtNum } from '../../src/render/format.js';
import type { Endpoints } from './endpoints.js';
import { WAIT_MS, throughput } from './flows.js';
import { n, pacedMs } from './ledger.js';
import type { Wire } from './wires.js';

const SLOTS = 4;
const WORK_US = 20;
const MESSAGES = 4000;
const CONSUMERS = 2;

export interface BackpressureOptions {
  ep: Endpoints;
  /** Rows of the queue's throughput runs (from the transports experiment), shown above this run's. */
  earlier: readonly Record<string, Cell>[];
  /** How the queue is wired (default WIRES.queue): the seam for a fault test. */
  wire?: Wire;
}

export async function backpressure(ctx: LabContext<unknown>, o: BackpressureOptions): Promise<void> {
  ctx.progress(`backpressure: slow consumers behind a ${SLOTS}-slot queue`);
  const f = await throughput(o.ep, 'queue', 64, MESSAGES, { seed: ctx.seed, timeoutMs: WAIT_MS, slots: SLOTS, workUs: WORK_US, ...(o.wire ? { wire: o.wire } : {}) });
  const row = { run: 'slow consumers, 64 B', slots: SLOTS, work: WORK_US, runs: 1, produced: f.messages, consumed: f.received, fullPuts: f.fullPuts, blockedMs: f.blockedMs, maxDepth: f.maxDepth };
  ctx.table({
    title: 'Bounded blocking queue: backpressure (2 producers, 2 consumers)',
    columns: [
      { key: 'run', label: 'run' },
      { key: 'slots', label: 'slots' },
      { key: 'work', label: 'work/msg', unit: 'µs' },
      { key: 'runs', label: 'runs' },
      { key: 'produced', label: 'produced' },
      { key: 'consumed', label: 'consumed' },
      { key: 'fullPuts', label: 'puts that found it full' },
      { key: 'blockedMs', label: 'blocked in put', unit: 'ms' },
      { key: 'maxDepth', label: 'max depth' },
    ],
    rows: [...o.earlier, row],
    note: 'A put "found it full" when size() == slots just before it; its whole duration counts as blocked. Max depth: the largest size() a consumer saw before a take.',
  });

  // The last put cannot return before the consumers have taken all but SLOTS messages,
  // and each spends WORK_US on every message it takes: a floor that only a queue
  // which let its producers run ahead of the consumers can get under.
  const floor = pacedMs(MESSAGES, SLOTS, CONSUMERS, WORK_US);
  ctx.check('bounded queue: producers block when it is full',
    f.fullPuts > 0 && f.blockedMs > 0 && f.maxDepth === SLOTS && f.putMs >= floor,
    `${SLOTS} slots, consumers busy ${WORK_US} µs per message: ${n(f.fullPuts)} of ${n(f.messages)} puts found it full, blocked ${fmtNum(f.blockedMs)} ms in all; ` +
      `max depth ${f.maxDepth}; the puts took ${fmtNum(f.putMs)} ms (paced by the consumers: ≥ ${fmtNum(floor)} ms)`,
  );
  const lost = f.messages - f.received + f.missing + f.duplicates + f.badOrder + f.badChecksum;
  ctx.check('bounded queue: nothing dropped when full (produced = consumed)',
    lost === 0 && f.maxDepth <= SLOTS,
    `produced ${n(f.messages)}, consumed ${n(f.received)}: ${n(f.missing)} missing, ${n(f.duplicates)} duplicated, ${n(f.badOrder)} out of order, ` +
      `${n(f.badChecksum)} bad checksums; depth ${f.maxDepth} at most, ${f.maxDepth <= SLOTS ? '≤' : '>'} ${SLOTS} slots`,
  );
  ctx.output('backpressure', { produced: f.messages, consumed: f.received });
}
