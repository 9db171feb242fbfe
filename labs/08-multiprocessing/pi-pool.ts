/**
 * A process pool at work: Monte Carlo pi in chunks, over several pool sizes.
 * Each chunk has its own seeded random stream, so every pool size must give
 * the very same estimate. Results are taken as they complete
 * (asCompleted: the book's imap_unordered), and each child is retired after
 * maxTasksPerChild chunks (the book's maxtasksperchild) and replaced.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { ProcessPoolExecutor, task, type TaskRun } from '../../src/executors/index.js';
import { median, ratioOfMedians } from '../../src/measure/stats.js';
import { fmtNum } from '../../src/render/format.js';
import { PI_URL, chunksOf, piOf, piStandardError, type PiChunk } from '../../src/workloads/pi.js';

export interface PiOptions {
  samples: number;
  chunk: number;
  sizes: readonly number[];
  /** Retire a child after this many chunks (0: never). */
  maxTasksPerChild: number;
  seed: number;
  /** The module with piChunk (the seam for the checks' fault tests). */
  module?: URL;
  /** How a pool is made (the seam for the recycling check's fault test). */
  makePool?: (ctx: LabContext<unknown>, size: number, maxTasksPerChild: number) => Promise<ProcessPoolExecutor>;
}

/** Within this many standard errors of pi (a miss by chance: about 6 in 10 million seeds). */
const SIGMAS = 5;

/**
 * A speedup above the ratio of pool sizes looks impossible on its face. Where
 * it happens, say what the base pool paid that the larger one did not: the
 * replacement children it had to fork and wait for inside its timed runs
 * (measured fork-to-ready times), with work that small.
 */
/** What the timed runs of one pool size spent forking: replacement children, how many runs, median fork-to-ready, median wall. */
export interface ForkCost {
  size: number;
  forks: number;
  runs: number;
  readyMs: number | null;
  wall: number;
}

export function superlinear(rows: Record<string, Cell>[], costs: ForkCost[]): string | null {
  const base = costs[0];
  if (!base) return null;
  const over = rows.filter((r, i) => {
    const sp = r.speedup as { value: number };
    const c = costs[i];
    return i > 0 && c !== undefined && sp.value > (c.size / base.size) * 1.05;
  });
  if (!over.length) return null;
  const cost = base.readyMs === null ? '' : `, each ${fmtMs(base.readyMs)} from fork to ready`;
  const which = over.map((r) => `${fmtNum(r.workers as number)} workers ${fmtNum((r.speedup as { value: number }).value)}x`).join(', ');
  return (
    `Speedup above the ratio of pool sizes (${which}): not more cores than the machine has. The pool of ${base.size} ` +
    `forked ${fmtNum(base.forks)} replacement child(ren) inside its ${base.runs === 1 ? 'timed run' : `${base.runs} timed runs (median ${fmtMs(base.wall)})`}${base.runs === 1 ? ` of ${fmtMs(base.wall)}` : ''}${cost}; ` +
    `while the pool of ${base.size} waits for a replacement${base.size === 1 ? ' nothing else runs' : ' fewer others run'}; in a larger pool the other children ` +
    'keep working meanwhile. --max-tasks-per-child 0 (no recycling) times the work alone.'
  );
}

const fmtMs = (ms: number): string => `${fmtNum(ms)} ms`;

const realPool = (ctx: LabContext<unknown>, size: number, maxTasksPerChild: number): Promise<ProcessPoolExecutor> =>
  ProcessPoolExecutor.create(ctx, { size, maxTasksPerChild });

export async function piPool(ctx: LabContext<unknown>, o: PiOptions): Promise<{ pids: number[]; estimates: Record<number, number> }> {
  const chunks = chunksOf(o.samples, o.chunk);
  const tasks = chunks.map((n, i) => task(o.module ?? PI_URL, 'piChunk', o.seed, i, n));
  const make = o.makePool ?? realPool;
  const pids: number[] = [];
  const estimates: Record<number, number> = {};
  const insides = new Set<number>();
  const rows: Record<string, Cell>[] = [];
  const overused: string[] = [];
  const underRecycled: string[] = [];
  const forkCosts: ForkCost[] = [];
  let base: number[] = [];
  let order = '';
  for (const [i, size] of o.sizes.entries()) {
    ctx.progress(`pi: pool of ${size}`, i / o.sizes.length);
    const pool = await make(ctx, size, o.maxTasksPerChild);
    const walls: number[] = [];
    const all: TaskRun<PiChunk>[] = [];
    const startedBefore = pool.startedPids.length;
    let outOfOrder = 0;
    try {
      for (let r = 0; r < ctx.repeat; r++) {
        const t0 = performance.now();
        const got: TaskRun<PiChunk>[] = [];
        for await (const run of pool.asCompleted<PiChunk>(tasks)) {
          if (run.status === 'rejected') throw run.error;
          got.push(run);
        }
        walls.push(performance.now() - t0);
        all.push(...got);
        const inside = got.reduce((a, x) => a + (x.value as PiChunk).inside, 0);
        insides.add(inside);
        estimates[size] = piOf(inside, o.samples);
        outOfOrder = got.filter((x, k) => x.index !== k).length;
        if (size > 1 && !order) order = got.map((x) => x.index).join(' ');
      }
    } finally {
      await pool.shutdown();
      pids.push(...pool.startedPids);
    }
    // Children forked inside the timed runs (replacements of retired ones), and what each took to be ready.
    const forks = pool.startedPids.length - startedBefore;
    const forkReady = pool.readyMs.slice(pool.readyMs.length - forks);
    if (i === 0) base = walls;
    const perChild = new Map<string, number>();
    for (const x of all) perChild.set(x.worker ?? '?', (perChild.get(x.worker ?? '?') ?? 0) + 1);
    const most = Math.max(...perChild.values());
    const needed = o.maxTasksPerChild ? Math.ceil(all.length / o.maxTasksPerChild) : 1;
    if (o.maxTasksPerChild && most > o.maxTasksPerChild) overused.push(`a child of ${size} ran ${most} tasks`);
    if (o.maxTasksPerChild && perChild.size < needed) underRecycled.push(`pool of ${size}: ${perChild.size} for ${all.length} tasks`);
    ctx.metric({ name: 'pi', unit: 'ms', better: 'lower', variant: { workers: size, samples: o.samples }, samples: walls });
    const sp = ratioOfMedians(base, walls);
    rows.push({
      workers: size,
      wall: median(walls),
      // One run has no range to show.
      speedup: ctx.repeat > 1 ? { value: sp.ratio, low: sp.low, high: sp.high } : { value: sp.ratio },
      children: perChild.size,
      forks,
      most,
      unordered: outOfOrder,
    });
    forkCosts.push({ size, forks, runs: ctx.repeat, readyMs: forkReady.length ? median(forkReady) : null, wall: median(walls) });
  }
  const sigma = piStandardError(o.samples);
  const estimate = piOf([...insides][0] ?? NaN, o.samples);
  ctx.table({
    title: `Monte Carlo pi: ${o.samples.toLocaleString('en-US')} points in ${chunks.length} chunks, a process pool (pi ≈ ${estimate.toFixed(7)} at every size)`,
    columns: [
      { key: 'workers', label: 'workers' },
      { key: 'wall', label: 'wall', unit: 'ms' },
      { key: 'speedup', label: 'speedup', unit: 'x' },
      { key: 'children', label: 'children' },
      { key: 'forks', label: 'forks' },
      { key: 'most', label: 'max tasks' },
      { key: 'unordered', label: 'unordered' },
    ],
    rows,
    note:
      `${ctx.repeat === 1 ? 'one run' : `median of ${ctx.repeat} runs`}; speedup over the pool of ${o.sizes[0]}. children = processes that ran chunks ` +
      `(${o.maxTasksPerChild ? `retired after ${o.maxTasksPerChild} tasks each` : 'never retired'}: max tasks is the most any ran); unordered = chunks that came out of ` +
      `input order in the last run${order ? ` (one run: ${order.split(' ').slice(0, 16).join(' ')}${chunks.length > 16 ? ' ...' : ''})` : ''}. ` +
      `forks = replacement children forked inside the timed run${ctx.repeat === 1 ? '' : `s (all ${ctx.repeat})`}, on their clock.`,
  });
  const beyond = superlinear(rows, forkCosts);
  if (beyond) ctx.note(beyond);
  ctx.check(
    'pi is the same for every pool size',
    insides.size === 1,
    insides.size === 1 ? `${estimate.toFixed(7)}, ${o.sizes.length} sizes` : `${insides.size} estimates: ${[...insides].slice(0, 3).map((x) => piOf(x, o.samples).toFixed(5)).join(' ')}`,
  );
  ctx.check(
    `pi estimate within ${SIGMAS} standard errors`,
    insides.size === 1 && Math.abs(estimate - Math.PI) < SIGMAS * sigma,
    `off by ${(Math.abs(estimate - Math.PI) / sigma).toFixed(2)} sigma (${Math.abs(estimate - Math.PI).toExponential(1)})`,
  );
  if (o.maxTasksPerChild)
    ctx.check(
      `children retire after ${o.maxTasksPerChild} tasks`,
      overused.length === 0 && underRecycled.length === 0,
      [...overused, ...underRecycled][0] ?? `${rows.map((r) => r.children).join('/')} children for ${o.sizes.join('/')} workers`,
    );
  else ctx.note('--max-tasks-per-child 0: children are never retired, so recycling is not checked.');
  ctx.output('pi.samples', o.samples);
  ctx.output('pi.estimates', Object.fromEntries(Object.entries(estimates).map(([k, v]) => [k, Number(v.toFixed(9))])));
  return { pids, estimates };
}
