/**
 * False sharing: two workers each increment their own Int32 counter in one
 * SharedArrayBuffer. Nothing is shared logically, but when both counters sit
 * in one cache line every write must take the line from the other core.
 */
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { ratioOfMedians } from '../../src/measure/stats.js';
import { Barrier } from '../../src/sync/barrier.js';
import type { HammerInit, HammerReply, HammerRequest, IncrementOp } from './messages.js';

const REPLY_MS = 60_000;
const BUFFER_BYTES = 1024;

export interface FalseSharingResult {
  /** Every run (warm-up included) left exactly `increments` in each counter and 0 elsewhere. */
  exact: boolean;
  runs: number;
  /** Sum of all counters over all runs. */
  total: number;
  firstBad?: string;
}

export async function falseSharing(
  ctx: LabContext<unknown>,
  /** delivered2: cores' worth of CPU the speedup sweep's two workers got (for the note). */
  opts: { increments: number; ops: readonly IncrementOp[]; delivered2: number },
): Promise<FalseSharingResult> {
  const line = ctx.machine.cacheLineBytes ?? 64;
  // 128 bytes (two 64-byte lines): Intel's spatial prefetcher fetches lines in
  // aligned pairs, so counters one line apart can still interfere.
  const pad = Math.max(128, 2 * line);
  const layouts = [
    { layout: 'same line', distance: 4 },
    { layout: 'adjacent lines', distance: line },
    { layout: 'padded', distance: pad },
  ];
  const counters = new SharedArrayBuffer(BUFFER_BYTES);
  const cells = new Int32Array(counters);
  const init: HammerInit = { counters, barrier: Barrier.create(2).handle() };
  const url = new URL('./hammer.worker.js', import.meta.url);
  const workers: Worker[] = [ctx.worker(url, { workerData: init }), ctx.worker(url, { workerData: init })];
  await Promise.all(workers.map((w, i) => ctx.nextMessage(w, REPLY_MS, `hammer worker ${i} ready`, (m) => (m as HammerReply).type === 'ready')));

  let id = 0;
  const result: FalseSharingResult = { exact: true, runs: 0, total: 0 };
  const run = async (op: IncrementOp, distance: number): Promise<number> => {
    for (let i = 0; i < cells.length; i++) Atomics.store(cells, i, 0);
    const index = [0, distance / 4];
    const runId = id++;
    const replies = workers.map((w, i) => {
      const p = ctx.nextMessage<HammerReply>(w, REPLY_MS, `hammer worker ${i}`, (m) => (m as { id?: number }).id === runId);
      w.postMessage({ type: 'hammer', id: runId, index: index[i] as number, increments: opts.increments, op } satisfies HammerRequest);
      return p;
    });
    const done = await Promise.all(replies);
    let ms = 0;
    for (const d of done) {
      if (d.type === 'error') throw new Error(`false sharing: ${d.message}`);
      if (d.type === 'hammered') ms = Math.max(ms, d.ms);
    }
    let sum = 0;
    for (let i = 0; i < cells.length; i++) sum += Atomics.load(cells, i);
    const a = Atomics.load(cells, 0);
    const b = Atomics.load(cells, distance / 4);
    result.runs++;
    result.total += sum;
    if (a !== opts.increments || b !== opts.increments || sum !== 2 * opts.increments) {
      result.exact = false;
      result.firstBad ??= `${op}, ${distance} B apart: counters ${a} and ${b}, buffer total ${sum}`;
    }
    return ms;
  };

  // Interleaved rounds, as in the speedup sweep; time = the slower worker's loop.
  const samples = new Map<string, number[]>();
  const rounds = ctx.warmup + ctx.repeat;
  for (let r = 0; r < rounds; r++) {
    for (const op of opts.ops) {
      for (const l of layouts) {
        ctx.progress(`false sharing: round ${r + 1}/${rounds}, ${op}, ${l.layout}`, r / rounds);
        const ms = await run(op, l.distance);
        if (r >= ctx.warmup) samples.set(`${op}/${l.layout}`, [...(samples.get(`${op}/${l.layout}`) ?? []), ms]);
      }
    }
  }

  const rows: Record<string, Cell>[] = [];
  for (const op of opts.ops) {
    const padded = samples.get(`${op}/padded`) ?? [];
    for (const l of layouts) {
      const t = samples.get(`${op}/${l.layout}`) ?? [];
      const s = ctx.metric({ name: 'false sharing time', unit: 'ms', better: 'lower', variant: { op, layout: l.layout, increments: opts.increments }, samples: t });
      const slow = ratioOfMedians(t, padded);
      rows.push({
        op,
        layout: l.layout,
        distance: l.distance,
        time: { value: s.median, low: s.ci.low, high: s.ci.high },
        slowdown: l.layout === 'padded' ? 1 : { value: slow.ratio, low: slow.low, high: slow.high },
        perOp: (s.median * 1e6) / opts.increments,
      });
    }
  }
  ctx.table({
    title: `False sharing: 2 workers x ${opts.increments.toLocaleString('en-US')} increments of their own counter`,
    columns: [
      { key: 'op', label: 'increment' },
      { key: 'layout', label: 'counters' },
      { key: 'distance', label: 'apart', unit: 'B' },
      { key: 'time', label: 'time', unit: 'ms' },
      { key: 'slowdown', label: 'slowdown vs padded', unit: 'x' },
      { key: 'perOp', label: 'per increment', unit: 'ns' },
    ],
    rows,
    note:
      `Cache line ${line} B${ctx.machine.cacheLineBytes === null ? ' (assumed: not readable here)' : ' (from /sys)'}; padded = ${pad} B, ` +
      `two lines, because adjacent-line prefetchers move lines in pairs. Time = the slower worker's loop, both released by one barrier. ` +
      `atomics = Atomics.add, a locked read-modify-write that must own the line on every call: the reliable variant. ` +
      `plain = cells[i] += 1, one store per iteration in today's V8, though a compiler may legally keep it in a register. ` +
      `Each counter has one writer, so counts are exact in every layout: false sharing costs time, never correctness.` +
      (ctx.machine.effectiveCores < 2
        ? ' With one core the two workers take turns on it: no line moves between cores, so expect little slowdown.'
        : opts.delivered2 < 1.5
          ? ` Two workers got only ${opts.delivered2.toFixed(2)} cores' worth of CPU in the speedup sweep: taking turns, they rarely write at the same moment, so expect little slowdown.`
          : ''),
  });
  return result;
}
