/**
 * The messages between lab 3 and its workers and child processes, defined once
 * and imported by both sides (type-only, apart from the shared clock).
 */

/**
 * Milliseconds since the epoch with sub-millisecond resolution. Every thread
 * and process here stamps its events with this clock, so events recorded in a
 * worker, in a child process and in the lab can be drawn on one timeline
 * (Date.now() alone would round to whole milliseconds).
 */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** What a lifecycle worker does after saying hello. */
export type WorkerMode =
  | 'normal' // spin workMs, say done, return: the thread ends by itself (exit code 0)
  | 'throw' // spin workMs, then throw from a timer callback (uncaught: exit code 1)
  | 'busy' // spin workMs unless terminated first
  | 'oom' // grow an array until the heap limit kills the thread
  | 'idle'; // wait workMs on a timer (the timer keeps the thread alive)

export interface LifecycleData {
  mode: WorkerMode;
  workMs: number;
}

export type WorkerMsg =
  | { type: 'hello'; threadId: number; at: number }
  | { type: 'done'; threadId: number; at: number };

/** The message a lifecycle worker's thrown error carries: the parent matches it. */
export const THROWN_MESSAGE = 'thrown on purpose by the lifecycle worker';

/** An event recorded in a child process, on the shared clock. */
export interface ChildEvent {
  event: string;
  at: number;
  threadId: number;
  detail?: string;
}

/** unref.child: argv [mode ('unref' | 'ref'), worker lifetime ms]. */
export interface UnrefReport {
  type: 'unref-report';
  pid: number;
  unref: boolean;
  events: ChildEvent[];
}

/** pool.child: argv [tasks, pbkdf2 iterations]; env UV_THREADPOOL_SIZE. */
export interface PoolReport {
  type: 'pool-report';
  /** UV_THREADPOOL_SIZE as the child saw it. */
  poolSize: number;
  /** One call alone on a started pool, ms. */
  singleMs: number;
  /** Completion time of each of the k concurrent calls, ms after they were all queued, in call order. */
  completions: number[];
  /** CPU time other processes used while the calls ran (from /proc/stat), ms; null without /proc. */
  othersCpuMs: number | null;
  /** CPU time this process (its pool threads) used while the calls ran, ms. */
  ownCpuMs: number;
  /** CPUs that /proc/stat counts. */
  cpus: number;
}

/** hello.child: says hello over IPC as soon as it runs, then leaves. */
export interface HelloReport {
  type: 'hello';
  pid: number;
  at: number;
}
