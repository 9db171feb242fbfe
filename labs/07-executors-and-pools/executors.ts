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
