/**
 * The executors the CPU models run on, made once for the whole lab (a
 * thread or a process takes tens of milliseconds to start): the lab's own
 * thread (sequential: one task after another, a turn of the event loop
 * between them), a piscina thread pool and a process pool of one worker per
 * core. `make` is the seam for tests (a broken pool).
 */
import type { LabContext } from '../../src/core/lab.js';
import { createExecutor, type Executor, type ExecutorKind } from '../../src/executors/index.js';
import type { ModelId } from './models.js';

export type MakeExecutor = (kind: ExecutorKind, size: number) => Promise<Executor>;

export const realExecutors =
  (ctx: LabContext<unknown>): MakeExecutor =>
  (kind, size) =>
    createExecutor(kind, ctx, { size });

/** The executor behind each CPU model. */
export interface Pools {
  'one-thread': Executor;
  'thread-pool': Executor;
  'process-pool': Executor;
  /** Workers in each pool. */
  size: number;
  close(): Promise<void>;
}

export const CPU_MODELS = ['one-thread', 'thread-pool', 'process-pool'] as const satisfies readonly ModelId[];

export async function openPools(ctx: LabContext<unknown>, o: { size: number; make?: MakeExecutor }): Promise<Pools> {
  const make = o.make ?? realExecutors(ctx);
  ctx.progress('starting the pools');
  const [one, threads, processes] = await Promise.all([make('sequential', 1), make('threads', o.size), make('processes', o.size)]);
  return {
    'one-thread': one,
    'thread-pool': threads,
    'process-pool': processes,
    size: o.size,
    close: async () => {
      await Promise.all([one.shutdown(), threads.shutdown(), processes.shutdown()]);
    },
  };
}

/** [lo, hi) of each of `parts` near-equal slices of [0, total). */
export function slices(total: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) {
    const lo = Math.floor((total * p) / parts);
    const hi = Math.floor((total * (p + 1)) / parts);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}
