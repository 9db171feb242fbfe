/**
 * A thread pool: piscina (5.x) behind the Executor interface. Piscina is
 * loaded only when a pool is made (it is heavy for `conc list`), its teardown
 * is registered with the lab (ctx.defer) as soon as it exists, and what the
 * labs measure is set explicitly instead of left to piscina's defaults
 * (minThreads = half the cores, idleTimeout 0: threads above minThreads are
 * ended as soon as they idle and started again for the next burst).
 */
import type { Piscina as PiscinaPool } from 'piscina';
import { BaseExecutor, TaskAbortedError, WorkerDiedError, isAbortError, type Task, type TaskEnvelope, type Tracking } from './executor.js';

export const THREAD_POOL_WORKER = new URL('./thread-pool.worker.js', import.meta.url);

export interface ThreadPoolOptions {
  /** maxThreads. */
  size: number;
  /** Default: size (every thread started up front and kept). */
  minThreads?: number;
  /** ms an idle thread above minThreads lives; default: as long as the pool. */
  idleTimeout?: number;
  /** 'sync' (piscina's default: the worker waits on Atomics for the next task) or 'disabled' (message events only). */
  atomics?: 'sync' | 'async' | 'disabled';
  /** The task entry file (the seam for tests). */
  worker?: URL;
}

export class ThreadPoolExecutor extends BaseExecutor {
  readonly kind = 'threads' as const;
  readonly sharesMemory = true;
  readonly name: string;
  /** Threads piscina created and destroyed so far (its workerCreate / workerDestroy events). */
  threadsCreated = 0;
  threadsDestroyed = 0;

  private constructor(
    readonly pool: PiscinaPool,
    readonly size: number,
  ) {
    super();
    this.name = 'thread pool (piscina)';
    pool.on('workerCreate', () => this.threadsCreated++);
    pool.on('workerDestroy', () => this.threadsDestroyed++);
    // A worker that dies with no task to fail makes piscina emit 'error'; unhandled, it would throw.
    pool.on('error', () => {});
  }

  static async create(track: Tracking, o: ThreadPoolOptions): Promise<ThreadPoolExecutor> {
    const { Piscina } = await import('piscina');
    const pool = new Piscina({
      filename: (o.worker ?? THREAD_POOL_WORKER).href,
      minThreads: Math.min(o.minThreads ?? o.size, o.size),
      maxThreads: o.size,
      idleTimeout: o.idleTimeout ?? 2 ** 31 - 1,
      atomics: o.atomics ?? 'sync',
      recordTiming: true,
    });
    track.defer(() => pool.destroy());
    // On --timeout or Ctrl-C the deferred destroy() rejects whatever is queued or running.
    return new ThreadPoolExecutor(pool, o.size);
  }

  protected async dispatch(t: Task, signal: AbortSignal | undefined): Promise<TaskEnvelope> {
    try {
      return (await this.pool.run(t, signal ? { signal } : {})) as TaskEnvelope;
    } catch (e) {
      if (isAbortError(e)) throw new TaskAbortedError(signal?.reason);
      // The task's own exceptions come back in the envelope: what reaches here is the thread's end.
      if (/worker exited/i.test((e as Error).message)) throw new WorkerDiedError(`the pool thread ended before the task returned (${(e as Error).message})`);
      throw e;
    }
  }

  protected async close(): Promise<void> {
    await this.pool.close();
  }
}
