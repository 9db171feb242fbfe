/**
 * How the lab makes its executors: one function from kind and size, so that
 * a test can hand an experiment a broken executor (the seam for the checks'
 * fault tests), and the timing of one batch of tasks on any of them.
 */
import type { LabContext } from '../../src/core/lab.js';
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
