/**
 * False sharing: two workers each increment their own Int32 counter in one
 * SharedArrayBuffer. Nothing is shared logically, but when both counters sit
 * in one cache line every write must take the line from the other core.
 * Checks: the counts are exact (each counter has one writer), and counters
 * on one line are slower than padded ones by a stated margin, skipped only
 * when the CPUs share a core (SMT siblings) or others' load explains a miss.
 */
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { checkOnTries, loadSpan, othersOver, untilQuiet, type LoadReading } from '../../src/measure/contention.js';
import { ratioOfMedians } from '../../src/measure/stats.js';
import { Barrier } from '../../src/sync/barrier.js';
import type { HammerInit, HammerReply, HammerRequest, IncrementOp } from './messages.js';
import { physicalCores, readTopology, siblingGroups, type Topology } from './topology.js';

const REPLY_MS = 60_000;
const BUFFER_BYTES = 1024;
const HAMMER_URL = new URL('./hammer.worker.js', import.meta.url);
/** Pause before measuring again on a busy machine. */
const RETRY_PAUSE_MS = 300;

/**
 * Counters 4 bytes apart must take at least this many times as long as
 * padded ones, for each increment. Measured on this 2-core EPYC VM in
 * --quick form (README): Atomics.add 2.4-3.4x, plain stores 2.5-5x when
 * the machine was quiet; 0.9-1.1x with the padding removed.
 */
export const FALSE_SHARING_MIN = 1.5;

export interface FalseSharingOptions {
  increments: number;
  ops: readonly IncrementOp[];
  // Seams for the checks' fault tests, never set by the lab:
  /** The hammer worker file. */
  hammer?: URL;
  /** Bytes between the counters of the padded layout (the padding; 4 removes it). */
  pad?: number;
  /** The CPUs and their SMT siblings (read from /sys when absent). */
  topology?: Topology | null;
  /** Tries on a busy machine, and the load (cores) that counts as busy. */
  tries?: number;
  busyLimit?: number;
}

export interface FalseSharingResult {
  /** Every run (warm-up and re-measured runs included) left exactly `increments` in each counter. */
  exact: boolean;
  /** Runs of the last try (the one the table shows) and the sum of all counters over them. */
  runs: number;
  total: number;
}

interface Layout {
  layout: 'same line' | 'adjacent lines' | 'padded';
  distance: number;
}

const n = (x: number): string => x.toLocaleString('en-US');

/** Slowdown of counters on one line against padded ones, per op, and whether each clears the margin. Pure. */
export function judgeFalseSharing(
  samples: ReadonlyMap<string, readonly number[]>,
  ops: readonly IncrementOp[],
): { ok: boolean; detail: string; slowdowns: Map<IncrementOp, number> } {
  const slowdowns = new Map<IncrementOp, number>();
  for (const op of ops) slowdowns.set(op, ratioOfMedians(samples.get(`${op}/same line`) ?? [], samples.get(`${op}/padded`) ?? []).ratio);
  const ok = ops.every((op) => (slowdowns.get(op) ?? NaN) >= FALSE_SHARING_MIN);
  const figures = ops.map((op) => `${op} ${(slowdowns.get(op) ?? NaN).toFixed(2)}x`).join(', ');
  return { ok, detail: `one line vs padded: ${figures} (needs >= ${FALSE_SHARING_MIN}x each)`, slowdowns };
}

export async function falseSharing(ctx: LabContext<unknown>, o: FalseSharingOptions): Promise<FalseSharingResult> {
  const line = ctx.machine.cacheLineBytes ?? 64;
  // 128 bytes (two 64-byte lines): Intel's spatial prefetcher fetches lines in
  // aligned pairs, so counters one line apart can still interfere.
  const pad = o.pad ?? Math.max(128, 2 * line);
  const layouts: Layout[] = [
    { layout: 'same line', distance: 4 },
    { layout: 'adjacent lines', distance: line },
    { layout: 'padded', distance: pad },
  ];
  const counters = new SharedArrayBuffer(BUFFER_BYTES);
  const cells = new Int32Array(counters);
  const init: HammerInit = { counters, barrier: Barrier.create(2).handle() };
  const url = o.hammer ?? HAMMER_URL;
  const workers: Worker[] = [ctx.worker(url, { workerData: init }), ctx.worker(url, { workerData: init })];
  await Promise.all(workers.map((w, i) => ctx.nextMessage(w, REPLY_MS, `hammer worker ${i} ready`, (m) => (m as HammerReply).type === 'ready')));

  let id = 0;
  // Over every try: the check covers every run; the output only the last try's (the same for every seed).
  const all = { exact: true, runs: 0, total: 0, firstBad: undefined as string | undefined };
  let last = { runs: 0, total: 0 };
  const run = async (op: IncrementOp, distance: number): Promise<number> => {
    for (let i = 0; i < cells.length; i++) Atomics.store(cells, i, 0);
    const index = [0, distance / 4];
    const runId = id++;
    const replies = workers.map((w, i) => {
      const p = ctx.nextMessage<HammerReply>(w, REPLY_MS, `hammer worker ${i}`, (m) => (m as { id?: number }).id === runId);
      w.postMessage({ type: 'hammer', id: runId, index: index[i] as number, increments: o.increments, op } satisfies HammerRequest);
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
    all.runs++;
    all.total += sum;
    last.runs++;
    last.total += sum;
    if (a !== o.increments || b !== o.increments || sum !== 2 * o.increments) {
      all.exact = false;
      all.firstBad ??= `${op}, ${distance} B apart: counters ${n(a)} and ${n(b)}, buffer total ${n(sum)}`;
    }
    return ms;
  };

  // Interleaved rounds, as in the speedup sweep; time = the slower worker's loop.
  const measure = async (): Promise<{ samples: Map<string, number[]>; load: LoadReading[] }> => {
    const samples = new Map<string, number[]>();
    const load: LoadReading[] = [];
    last = { runs: 0, total: 0 };
    const rounds = ctx.warmup + ctx.repeat;
    for (let r = 0; r < rounds; r++) {
      for (const op of o.ops) {
        for (const l of layouts) {
          ctx.progress(`false sharing: round ${r + 1}/${rounds}, ${op}, ${l.layout}`, r / rounds);
          const span = loadSpan();
          const ms = await run(op, l.distance);
          if (r < ctx.warmup) continue;
          load.push(span.end());
          samples.set(`${op}/${l.layout}`, [...(samples.get(`${op}/${l.layout}`) ?? []), ms]);
        }
      }
    }
    return { samples, load };
  };

  // Where the two CPUs share a core, no line moves: nothing to check, whatever the timings say.
  const topo = o.topology === undefined ? readTopology() : o.topology;
  let why: string | null = null;
  if (ctx.machine.effectiveCores < 2) why = 'one core: the two workers take turns on it and no line moves between cores';
  else if (topo && physicalCores(topo) < 2)
    why = `CPUs ${siblingGroups(topo).join(', ')} are SMT siblings of one core (/sys topology): they share its caches`;

  const tried = await untilQuiet(
    async (n) => {
      if (n > 1) await ctx.sleep(RETRY_PAUSE_MS);
      const m = await measure();
      const j = judgeFalseSharing(m.samples, o.ops);
      return { value: { ...m, j }, ok: why !== null || j.ok, othersCores: othersOver(m.load) };
    },
    { tries: o.tries, limit: o.busyLimit },
  );
  table(ctx, { ...o, line, pad, layouts, samples: tried.value.samples });

  ctx.check(
    'false-sharing counters add up exactly',
    all.exact,
    all.exact ? `${n(all.runs)} runs x 2 workers x ${n(o.increments)} increments = ${n(all.total)} counted` : `first wrong run: ${all.firstBad ?? '?'}`,
  );
  const name = `counters on one cache line are slower than padded ones (>= ${FALSE_SHARING_MIN}x)`;
  if (why) ctx.skip(name, why);
  else checkOnTries(ctx, name, tried.value.j.ok, tried.value.j.detail, tried);
  return { exact: all.exact, ...last };
}

function table(
  ctx: LabContext<unknown>,
  t: { increments: number; ops: readonly IncrementOp[]; line: number; pad: number; layouts: Layout[]; samples: Map<string, number[]> },
): void {
  const rows: Record<string, Cell>[] = [];
  for (const op of t.ops) {
    const padded = t.samples.get(`${op}/padded`) ?? [];
    for (const l of t.layouts) {
      const s = t.samples.get(`${op}/${l.layout}`) ?? [];
      const sum = ctx.metric({ name: 'false sharing time', unit: 'ms', better: 'lower', variant: { op, layout: l.layout, increments: t.increments }, samples: s });
      const slow = ratioOfMedians(s, padded);
      rows.push({
        op,
        layout: l.layout,
        distance: l.distance,
        time: { value: sum.median, low: sum.ci.low, high: sum.ci.high },
        slowdown: l.layout === 'padded' ? 1 : { value: slow.ratio, low: slow.low, high: slow.high },
        perOp: (sum.median * 1e6) / t.increments,
      });
    }
  }
  ctx.table({
    title: `False sharing: 2 workers x ${t.increments.toLocaleString('en-US')} increments of their own counter`,
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
      `Cache line ${t.line} B${ctx.machine.cacheLineBytes === null ? ' (assumed: not readable here)' : ' (from /sys)'}; padded = ${t.pad} B, ` +
      `two lines, because adjacent-line prefetchers move lines in pairs. Time = the slower worker's loop, both released by one barrier. ` +
      `atomics = Atomics.add, a locked read-modify-write that must own the line on every call: the reliable variant. ` +
      `plain = cells[i] += 1, one store per iteration in today's V8, though a compiler may legally keep it in a register. ` +
      `Each counter has one writer, so counts are exact in every layout: false sharing costs time, never correctness.` +
      (ctx.machine.effectiveCores < 2 ? ' With one core the two workers take turns on it: no line moves between cores, so expect little slowdown.' : ''),
  });
}
