/**
 * One interface for running tasks somewhere else (or here): the book's
 * Executor, with Promises for futures. A task names a module (a file URL), one
 * of its exports and serialisable arguments, so a new workload needs no change
 * to any executor:
 *
 *   const ex = await createExecutor('threads', ctx, { size: 4 });
 *   const isPrime = task(PRIMES_URL, 'isPrime', 112272535095293);
 *   await ex.submit(isPrime);                        // a Promise: the future
 *   await ex.map(numbers.map((n) => task(PRIMES_URL, 'isPrime', n)));   // input order
 *   for await (const r of ex.asCompleted(tasks)) ...  // completion order, with where and when it ran
 *   await ex.shutdown();                              // waits for running work, refuses new work
 *
 * Implementations (one per file): sequential.ts (this thread), thread-pool.ts
 * (piscina), process-pool.ts (forked children), worker-per-task.ts (a new
 * worker thread for every task).
 */
import type { ChildProcess, ForkOptions } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import type { Worker, WorkerOptions } from 'node:worker_threads';

/** What to run: an export of a module, called with args (structured-cloneable; JSON-able for a 'json' process pool). */
export interface Task<A extends readonly unknown[] = readonly unknown[]> {
  /** file:// URL (href) of the module. */
  module: string;
  /** Name of the export to call (a function, possibly async). */
  fn: string;
  args: A;
}

/** A task, built from the module's URL. */
export function task<A extends readonly unknown[]>(module: URL | string, fn: string, ...args: A): Task<A> {
  return { module: typeof module === 'string' ? module : module.href, fn, args };
}

/** Epoch milliseconds with sub-millisecond precision, comparable across threads and processes of one machine. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** An error as it crosses a thread or process boundary. */
export interface SerializedTaskError {
  name: string;
  message: string;
  stack: string;
  code?: string;
}

/** What a worker, child or this thread reports about one task: its value or error, where and when it ran. */
export interface TaskEnvelope<R = unknown> {
  ok: boolean;
  value?: R;
  error?: SerializedTaskError;
  /** Who ran it: "main", "thread 7", "pid 1234". */
  worker: string;
  /** Epoch ms (epochNow) when the task's function was called and when it returned or threw. */
  start: number;
  end: number;
}

/** One finished task, as asCompleted yields it. */
export interface TaskRun<R = unknown> {
  /** Position in the input. */
  index: number;
  /** 'fulfilled' with value, or 'rejected' with error (the same error submit() would reject with). */
  status: 'fulfilled' | 'rejected';
  value?: R;
  error?: Error;
  /** Who ran it; null when it never ran (cancelled, or its worker died before reporting). */
  worker: string | null;
  /** Epoch ms; NaN when it never ran. */
  start: number;
  end: number;
  /** Epoch ms when the caller learnt of the result. */
  settled: number;
}

export interface SubmitOptions {
  /** Abort to cancel: a queued task never runs; a running one is stopped where the executor can stop it. */
  signal?: AbortSignal;
}

/** What every executor kind shares. */
export interface Executor {
  /** e.g. "thread pool (piscina)". */
  readonly name: string;
  readonly kind: ExecutorKind;
  /** Workers that run tasks at the same time (1 for sequential). */
  readonly size: number;
  /** Whether a SharedArrayBuffer passed as an argument is shared with the task (threads), or not (processes). */
  readonly sharesMemory: boolean;
  /** Run one task; resolves with its value, rejects with its error (TaskError), an AbortError, or ExecutorShutdownError. */
  submit<R = unknown>(t: Task, opts?: SubmitOptions): Promise<R>;
  /** Like submit, with where and when the task ran. */
  execute<R = unknown>(t: Task, opts?: SubmitOptions): Promise<TaskRun<R>>;
  /** All tasks at once; the results in input order (rejects with the first error, in input order). */
  map<R = unknown>(ts: readonly Task[], opts?: SubmitOptions): Promise<R[]>;
  /** All tasks at once; yields each as it finishes (completion order), failures included. */
  asCompleted<R = unknown>(ts: readonly Task[], opts?: SubmitOptions): AsyncIterable<TaskRun<R>>;
  /** Wait for queued and running work, then stop; later submits reject with ExecutorShutdownError. */
  shutdown(): Promise<void>;
  /** Call fn with every task that settles from now on (however it was submitted); returns the unsubscribe. */
  observe(fn: (r: TaskRun) => void): () => void;
}

export type ExecutorKind = 'sequential' | 'threads' | 'processes' | 'worker-per-task';

/**
 * Where an executor starts its threads and processes so that none survives
 * the lab: a LabContext satisfies it (ctx.worker, ctx.fork, ctx.defer,
 * ctx.signal). Tests can pass a Tracker with a signal.
 */
export interface Tracking {
  worker(file: URL, opts?: WorkerOptions): Worker;
  fork(file: URL, args?: readonly string[], opts?: ForkOptions): ChildProcess;
  defer(fn: () => unknown): void;
  /** When it aborts, everything queued or running rejects with its reason. */
  readonly signal?: AbortSignal;
}

/** submit() after shutdown(). */
export class ExecutorShutdownError extends Error {
  override readonly name = 'ExecutorShutdownError';
  constructor(executor: string) {
    super(`${executor} is shut down: it takes no new tasks`);
  }
}

/** A task's own exception, carried back with the message and stack it had where it ran. */
export class TaskError extends Error {
  override name: string;
  readonly code: string | undefined;
  constructor(e: SerializedTaskError) {
    super(e.message);
    this.name = e.name;
    this.code = e.code;
    this.stack = e.stack;
  }
}

/** Cancelled with an AbortSignal (piscina rejects with its own error of the same name). */
export class TaskAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor(reason?: unknown) {
    super(reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'the task was aborted');
  }
}

/** The task's worker or process ended (process.exit, a crash) before it returned. */
export class WorkerDiedError extends Error {
  override readonly name = 'WorkerDiedError';
}

export const isAbortError = (e: unknown): boolean => (e as Error | null)?.name === 'AbortError';

export function serializeError(e: unknown): SerializedTaskError {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return { name: e.name, message: e.message, stack: e.stack ?? `${e.name}: ${e.message}`, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e), stack: `thrown value: ${String(e)}` };
}

/** A settled envelope as a TaskRun, or the error it carries. */
export function runOf<R>(index: number, env: TaskEnvelope<R>): TaskRun<R> {
  const base = { index, worker: env.worker, start: env.start, end: env.end, settled: epochNow() };
  return env.ok
    ? { ...base, status: 'fulfilled', value: env.value as R }
    : { ...base, status: 'rejected', error: new TaskError(env.error ?? serializeError('no error given')) };
}

/** A task that failed before or instead of running: no worker, no times. */
export function failedRun<R>(index: number, error: unknown): TaskRun<R> {
  return {
    index,
    status: 'rejected',
    error: error instanceof Error ? error : new Error(String(error)),
    worker: null,
    start: NaN,
    end: NaN,
    settled: epochNow(),
  };
}

/** One signal for many queued tasks is one listener per task: not a leak, so no warning. */
function manyListeners(signal: AbortSignal | undefined, n: number): void {
  if (signal && n > 5) setMaxListeners(0, signal);
}

/**
 * What every implementation shares: submit/map/asCompleted on top of one
 * `dispatch`, and the shutdown state. A subclass implements dispatch (run one
 * task, resolve with its envelope or reject with an AbortError / a
 * WorkerDiedError) and close (stop its workers once no task is left).
 */
export abstract class BaseExecutor implements Executor {
  abstract readonly name: string;
  abstract readonly kind: ExecutorKind;
  abstract readonly size: number;
  abstract readonly sharesMemory: boolean;
  private closed = false;
  private shuttingDown: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly observers = new Set<(r: TaskRun) => void>();

  protected abstract dispatch(t: Task, signal: AbortSignal | undefined): Promise<TaskEnvelope>;
  protected abstract close(): Promise<void>;

  get isShutdown(): boolean {
    return this.closed;
  }

  execute<R = unknown>(t: Task, opts: SubmitOptions = {}): Promise<TaskRun<R>> {
    return this.executeAt<R>(0, t, opts.signal);
  }

  private executeAt<R>(index: number, t: Task, signal: AbortSignal | undefined): Promise<TaskRun<R>> {
    if (this.closed) return Promise.resolve(failedRun<R>(index, new ExecutorShutdownError(this.name)));
    if (signal?.aborted) return Promise.resolve(failedRun<R>(index, new TaskAbortedError(signal.reason)));
    const p = this.dispatch(t, signal)
      .then(
        (env) => runOf<R>(index, env as TaskEnvelope<R>),
        (e: unknown) => failedRun<R>(index, e),
      )
      .then((r) => {
        for (const fn of this.observers) fn(r);
        return r;
      });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  async submit<R = unknown>(t: Task, opts: SubmitOptions = {}): Promise<R> {
    const r = await this.execute<R>(t, opts);
    if (r.status === 'rejected') throw r.error;
    return r.value as R;
  }

  async map<R = unknown>(ts: readonly Task[], opts: SubmitOptions = {}): Promise<R[]> {
    manyListeners(opts.signal, ts.length);
    const runs = await Promise.all(ts.map((t, i) => this.executeAt<R>(i, t, opts.signal)));
    const failed = runs.find((r) => r.status === 'rejected');
    if (failed) throw failed.error;
    return runs.map((r) => r.value as R);
  }

  async *asCompleted<R = unknown>(ts: readonly Task[], opts: SubmitOptions = {}): AsyncGenerator<TaskRun<R>> {
    manyListeners(opts.signal, ts.length);
    const done: TaskRun<R>[] = [];
    let wake: (() => void) | null = null;
    for (const [i, t] of ts.entries())
      void this.executeAt<R>(i, t, opts.signal).then((r) => {
        done.push(r);
        wake?.();
      });
    for (let yielded = 0; yielded < ts.length; yielded++) {
      while (done.length === 0) await new Promise<void>((r) => (wake = r));
      wake = null;
      yield done.shift() as TaskRun<R>;
    }
  }

  observe(fn: (r: TaskRun) => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  /** Refuse new work at once; wait for what was queued or running; then stop the workers. */
  shutdown(): Promise<void> {
    this.closed = true;
    this.shuttingDown ??= (async () => {
      while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
      await this.close();
    })();
    return this.shuttingDown;
  }
}
