/**
 * The ring experiment: does the SPSC ring buffer move 64 B messages at least
 * RING_MIN times faster than postMessage? The first try is the transports
 * experiment's 64 B timed runs. A miss while others' load (measured outside
 * this process) was past BUSY_MACHINE_CORES is tried again, with fresh
 * interleaved runs of the two, up to `tries` in all; if every try missed on a
 * busy machine the check is skipped with the figures, and a miss on a free
 * machine fails. The check says how many tries it took.
 */
import type { LabContext } from '../../src/core/lab.js';
import { ratioOfMedians } from '../../src/measure/stats.js';
import type { Endpoints } from './endpoints.js';
import { WAIT_MS, throughput } from './flows.js';
import { Totals } from './ledger.js';
import { othersLoad, type LoadMeter } from './load.js';
import { Payload } from './payload.js';
import { RING_MIN, describeTries, describeTry, judgeRing, type RingTry } from './ring-verdict.js';
import type { At64 } from './transports.js';
import { WIRES, type WireTable } from './wires.js';

export const RING_TRIES = 3;

export interface RingSpeedupOptions {
  ep: Endpoints;
  /** What the transports experiment measured at 64 B; null when 64 was not among the sizes. */
  at64: At64 | null;
  /** Tries in all, the first one included (default RING_TRIES). */
  tries?: number;
  /** Pause before another try, ms: load from elsewhere often comes in bursts. */
  pauseMs?: number;
  /** How the ring and postMessage are wired (default WIRES): the seam for a fault test. */
  wires?: WireTable;
  /** Others' load over a try (default: measured): a test may fix it. */
  meter?: LoadMeter;
}

export interface RingSpeedupResult {
  /** Ratio of the median throughputs of the first try (the table's figure). */
  ratio: number;
}

export async function ringSpeedup(ctx: LabContext<unknown>, o: RingSpeedupOptions): Promise<RingSpeedupResult | null> {
  const name = `ring buffer moves 64 B messages >= ${RING_MIN}x faster than postMessage`;
  if (!o.at64) {
    ctx.skip(name, 'needs 64 in --sizes');
    return null;
  }
  const first = o.at64.first;
  const ratio = ratioOfMedians(first.ring, first.post).ratio;
  if (ctx.machine.effectiveCores < 2) {
    // Hardware: the ring's speed is its two sides running at once.
    ctx.skip(name, `needs 2 cores for the two sides to run at once; ${describeTry(first)}`);
    return { ratio };
  }
  const max = Math.max(1, o.tries ?? RING_TRIES);
  const tries: RingTry[] = [first];
  let verdict = judgeRing(first);
  let wrong = 0;
  while (verdict === 'busy' && tries.length < max) {
    ctx.progress(`ring vs postMessage: the machine was busy; try ${tries.length + 1} of ${max}`);
    await ctx.sleep(o.pauseMs ?? 300);
    const t = await again(ctx, o, o.at64.counts);
    wrong += t.wrong;
    tries.push(t);
    verdict = judgeRing(t);
  }
  const last = tries[tries.length - 1] ?? first;
  const detail = `${describeTry(last)}; ${describeTries(tries, max)}${wrong ? `; ${wrong} runs delivered wrongly` : ''}`;
  if (verdict === 'busy' && wrong === 0) ctx.skip(name, `the machine was busy on every try, so the ring's two sides could not both run: ${detail}`);
  else ctx.check(name, verdict === 'pass' && wrong === 0, detail);
  return { ratio };
}

/** Another try: interleaved timed runs of the ring and postMessage at 64 B, each verified. */
async function again(ctx: LabContext<unknown>, o: RingSpeedupOptions, counts: At64['counts']): Promise<RingTry & { wrong: number }> {
  const wires = o.wires ?? WIRES;
  const totals = new Totals(new Payload(64, ctx.seed));
  const rates = { ring: [] as number[], postMessage: [] as number[] };
  let wrong = 0;
  const load = (o.meter ?? othersLoad)();
  for (let r = 0; r < Math.max(3, ctx.repeat); r++) {
    for (const t of ['postMessage', 'ring'] as const) {
      const f = await throughput(o.ep, t, 64, counts[t], { seed: ctx.seed, timeoutMs: WAIT_MS, wire: wires[t] });
      const bad = f.badOrder + f.duplicates + f.missing + f.badChecksum;
      if (f.received !== f.messages || bad !== 0 || f.checksum !== totals.of(f.messages)) wrong++;
      rates[t].push(f.rate);
    }
  }
  return { ring: rates.ring, post: rates.postMessage, others: load.end(), wrong };
}
