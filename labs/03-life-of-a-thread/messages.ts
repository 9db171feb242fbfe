/**
 * The messages between lab 3 and its workers and child processes, defined once
 * and imported by both sides (type-only, apart from the shared clock).
 */

/**
 * Milliseconds on the machine's monotonic clock (process.hrtime: CLOCK_MONOTONIC
 * on Linux), with microsecond resolution. It is one clock for every thread and
 * every process of the machine, so events stamped in a worker, in a child
 * process and in the lab can be subtracted and drawn on one timeline. (An
 * epoch time from performance.timeOrigin is not: each process takes its
 * origin from the wall clock as it starts, and two processes' origins can
 * disagree by whatever the wall clock was adjusted meanwhile.)
 */
export function clockMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
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
  /**
   * Wait for the parent's go (ParentMsg) after the hello. The lifecycle lanes
   * do: a worker's 'error' reaches the parent by another port than its
   * messages, and Node does not order the two, so without the go a worker that
   * throws soon after its hello may be heard to fail before it said hello.
   */
  go?: boolean;
}

/** The parent's answer to a hello, for a worker started with go: true. */
export interface ParentMsg {
  type: 'go';
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

/**
 * gate.child: argv [FIFO path prefix, tasks k, hold ms]; env UV_THREADPOOL_SIZE.
 * It queues k fs.open calls on the FIFOs <prefix>0 .. <prefix>(k-1), each of
 * which holds a pool thread until the gate opens that FIFO's other end.
 */
export interface GateReport {
  type: 'gate-report';
  /** UV_THREADPOOL_SIZE as the child saw it. */
  poolSize: number;
  /** Completion time of each call, ms after all were queued, in call order. */
  completions: number[];
  /** Calls the gate found blocked in the pool and released, at each opening, in order. */
  released: number[];
  /** Openings at which the pool's threads had not all settled within the bound. */
  unsettled: number;
  /** Cores' worth of CPU other processes used meanwhile (/proc/stat less this process); null without /proc. */
  othersCores: number | null;
}

/** cpu.child: argv [tasks k, pbkdf2 iterations]; env UV_THREADPOOL_SIZE. */
export interface CpuReport {
  type: 'cpu-report';
  poolSize: number;
  /** One call alone on a started pool, ms (the faster of two). */
  singleMs: number;
  /** Completion time of each of the k concurrent calls, ms after they were all queued. */
  completions: number[];
  /** Cores' worth of CPU other processes used meanwhile; null without /proc. */
  othersCores: number | null;
}

/** hello.child: says hello over IPC as soon as it runs, then leaves. */
export interface HelloReport {
  type: 'hello';
  pid: number;
  at: number;
}
