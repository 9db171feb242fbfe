/**
 * The executors by kind, made the same way: what lab 7 compares and lab 12
 * reuses. `createExecutor(kind, ctx, { size })`; each kind's own options
 * (atomics, idleTimeout, serialization, maxTasksPerChild) go in `threads` /
 * `processes`.
 */
import type { Executor, ExecutorKind, Tracking } from './executor.js';
import { ProcessPoolExecutor, type ProcessPoolOptions } from './process-pool.js';
import { SequentialExecutor } from './sequential.js';
import { ThreadPoolExecutor, type ThreadPoolOptions } from './thread-pool.js';
import { WorkerPerTaskExecutor } from './worker-per-task.js';

export * from './executor.js';
export { ProcessPoolExecutor, SequentialExecutor, ThreadPoolExecutor, WorkerPerTaskExecutor };

export const EXECUTOR_KINDS: readonly ExecutorKind[] = ['sequential', 'threads', 'processes', 'worker-per-task'];

export interface CreateOptions {
  /** Workers at once (ignored by sequential). */
  size: number;
  threads?: Omit<ThreadPoolOptions, 'size'>;
  processes?: Omit<ProcessPoolOptions, 'size'>;
}

export async function createExecutor(kind: ExecutorKind, track: Tracking, o: CreateOptions): Promise<Executor> {
  switch (kind) {
    case 'sequential':
      return new SequentialExecutor();
    case 'threads':
      return ThreadPoolExecutor.create(track, { ...o.threads, size: o.size });
    case 'processes':
      return ProcessPoolExecutor.create(track, { ...o.processes, size: o.size });
    case 'worker-per-task':
      return new WorkerPerTaskExecutor(track, { size: o.size });
  }
}
