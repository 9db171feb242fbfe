/**
 * How the lab makes its executors: one function from kind and size, so that
 * a test can hand an experiment a broken executor (the seam for the checks'
 * fault tests), and the timing of one batch of tasks on any of them.
 */
import type { LabContext } from '../../src/core/lab.js';
import { machineBusyMs, othersCores } from '../../src/measure/contention.js';
import { createExecutor, type CreateOptions, type Executor, type ExecutorKind, type Task, type TaskRun } from '../../src/executors/index.js';

export type MakeExecutor = (kind: ExecutorKind, size: number, extra?: Omit<CreateOptions, 'size'>) => Promise<Executor>;

/** The real executors, started through the lab's tracking. */
export const realExecutors =
  (ctx: LabContext<unknown>): MakeExecutor =>
  (kind, size, extra) =>
    createExecutor(kind, ctx, { ...extra, size });

export const LABEL: Record<ExecutorKind, string> = {
  sequential: 'sequential',
  threads: 'thread pool (piscina)',
  processes: 'process pool',
  'worker-per-task': 'worker per task',
};

/**
 * Timed runs of a batch: ctx.repeat, but one for a worker per task under
 * --quick (each of its tasks starts a thread: it is the slowest by far, and
 * its cost shows in one run).
 */
export const runsFor = (ctx: LabContext<unknown>, ex: Executor): number => (ctx.quick && ex.kind === 'worker-per-task' ? 1 : ctx.repeat);

/** Start every thread and load the task's module in each: twice `size` copies of a cheap task at once. */
export async function warm(ex: Executor, cheap: Task): Promise<void> {
  await ex.map(Array.from({ length: 2 * ex.size }, () => cheap));
}

export interface Batch<R> {
  /** Wall time of each timed run of the whole batch, ms. */
  walls: number[];
  /** The values of the last run, as map returned them. */
  values: R[];
  /** Every task of the last timed run, as its executor reported it (who ran it, when). */
  runs: TaskRun[];
  /** Time spent inside the tasks in each timed run (sum over its tasks), ms. */
  busy: number[];
}

/** Time map(tasks) ctx.repeat times (after ctx.warmup untimed runs); keeps the last run's values and task runs. */
export async function timeBatch<R>(ctx: LabContext<unknown>, ex: Executor, tasks: readonly Task[], repeat = ctx.repeat, warmup = ctx.warmup): Promise<Batch<R>> {
  let values: R[] = [];
  let runs: TaskRun[] = [];
  let current: TaskRun[] = [];
  const busy: number[] = [];
  const off = ex.observe((r) => current.push(r));
  try {
    const s = await ctx.sample(
      async () => {
        current = [];
        values = await ex.map<R>(tasks);
        runs = current;
        busy.push(runs.reduce((a, r) => a + (Number.isFinite(r.end - r.start) ? r.end - r.start : 0), 0));
      },
      { repeat, warmup },
    );
    return { walls: s.wall, values, runs: [...runs].sort((a, b) => a.index - b.index), busy: busy.slice(busy.length - s.wall.length) };
  } finally {
    off();
  }
}

/**
 * One pool of each kind and size, lent to the experiments that only measure
 * with it (their shutdown() leaves it running) and handed over, for good, to
 * the one that ends it (the semantics, whose last step is shutdown()). Every
 * thread and process start costs tens of milliseconds: --quick starts each
 * pool once. Pools made with extra options are never shared.
 */
export function sharedPools(make: MakeExecutor): { lend: MakeExecutor; handOver: MakeExecutor; close(): Promise<void> } {
  const pools = new Map<string, Promise<Executor>>();
  const key = (kind: ExecutorKind, size: number): string => `${kind}:${size}`;
  const get = (kind: ExecutorKind, size: number): Promise<Executor> => {
    let p = pools.get(key(kind, size));
    if (!p) pools.set(key(kind, size), (p = make(kind, size)));
    return p;
  };
  const lent = (ex: Executor): Executor =>
    new Proxy(ex, {
      get(target, prop) {
        if (prop === 'shutdown') return async () => {};
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  return {
    lend: async (kind, size, extra) => (extra || kind === 'worker-per-task' || kind === 'sequential' ? make(kind, size, extra) : lent(await get(kind, size))),
    handOver: async (kind, size, extra) => {
      const p = extra ? undefined : pools.get(key(kind, size));
      if (!p) return make(kind, size, extra);
      pools.delete(key(kind, size));
      return p;
    },
    close: async () => {
      for (const p of pools.values()) await (await p).shutdown();
      pools.clear();
    },
  };
}

/** One executor in a set timed in rounds. */
export interface Contender {
  key: string;
  ex: Executor;
  /** Timed runs it takes part in (the first rounds). */
  runs: number;
}

export interface RoundsBatch<R> extends Batch<R> {
  /** Cores' worth of CPU other processes used during its runs (null without /proc/stat). */
  others: number | null;
}

/**
 * Time map(tasks) on several executors in interleaved rounds: round 1 runs
 * each once, then round 2, and so on. Load from elsewhere changes by the
 * second on a shared machine; interleaved, a burst of it hits every executor
 * alike instead of whichever was being timed at the moment.
 */
export async function timeRounds<R>(ctx: LabContext<unknown>, contenders: readonly Contender[], tasks: readonly Task[]): Promise<Map<string, RoundsBatch<R>>> {
  const out = new Map<string, RoundsBatch<R> & { busyMs: number; ownMs: number }>();
  for (const c of contenders) out.set(c.key, { walls: [], values: [], runs: [], busy: [], others: null, busyMs: 0, ownMs: 0 });
  const rounds = Math.max(...contenders.map((c) => c.runs));
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      if (r >= c.runs) continue;
      ctx.progress(`${c.key}: run ${r + 1} of ${c.runs}`, r / rounds);
      const acc = out.get(c.key) as RoundsBatch<R> & { busyMs: number; ownMs: number };
      const busy0 = machineBusyMs();
      const cpu0 = process.cpuUsage();
      const b = await timeBatch<R>(ctx, c.ex, tasks, 1, 0);
      const busy1 = machineBusyMs();
      const cpu = process.cpuUsage(cpu0);
      acc.walls.push(...b.walls);
      acc.busy.push(...b.busy);
      acc.values = b.values;
      acc.runs = b.runs;
      // Ours: this process's threads, and the children's time inside tasks.
      const own = (cpu.user + cpu.system) / 1000 + (c.ex.sharesMemory ? 0 : (b.busy[0] ?? 0));
      if (busy0 === null || busy1 === null) acc.busyMs = NaN;
      else acc.busyMs += busy1 - busy0;
      acc.ownMs += own;
    }
  }
  for (const acc of out.values()) {
    const wall = acc.walls.reduce((a, x) => a + x, 0);
    acc.others = Number.isFinite(acc.busyMs) ? othersCores(acc.busyMs, acc.ownMs, wall) : null;
  }
  return out;
}
