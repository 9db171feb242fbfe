/**
 * What pooling saves you from: a new worker thread for every task, ended when
 * the task returns. At most `size` run at once (the rest wait in a queue), so
 * it compares with a pool of the same size: the difference is the start-up of
 * a thread (an isolate, its event loop, the task's module loaded afresh) paid
 * on every task. Workers are started through the lab's tracking (ctx.worker).
 */
import { BaseExecutor, WorkerDiedError, type Task, type TaskEnvelope, type Tracking } from './executor.js';
import { JobQueue, type Job } from './job-queue.js';

export const WORKER_PER_TASK_WORKER = new URL('./worker-per-task.worker.js', import.meta.url);

export interface WorkerPerTaskOptions {
  /** Workers running at once. */
  size: number;
  /** The worker entry file (the seam for tests). */
  worker?: URL;
}

export class WorkerPerTaskExecutor extends BaseExecutor {
  readonly kind = 'worker-per-task' as const;
  readonly name = 'worker per task';
  readonly sharesMemory = true;
  readonly size: number;
  /** Workers started so far. */
  started = 0;
  private running = 0;
  private readonly queue = new JobQueue(() => this.pump());
  /** On --timeout or Ctrl-C, whatever is queued is rejected (the lab's tracking stops what runs). */
  private readonly onAbort = (): void => this.queue.rejectAll(this.track.signal?.reason);

  constructor(
    private readonly track: Tracking,
    private readonly o: WorkerPerTaskOptions,
  ) {
    super();
    this.size = o.size;
    track.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  protected dispatch(t: Task, signal: AbortSignal | undefined): Promise<TaskEnvelope> {
    return this.queue.add(t, signal);
  }

  private pump(): void {
    while (this.running < this.size) {
      const job = this.queue.take();
      if (!job) return;
      this.start(job);
    }
  }

  private start(job: Job): void {
    let w: ReturnType<Tracking['worker']>;
    try {
      w = this.track.worker(this.o.worker ?? WORKER_PER_TASK_WORKER, { workerData: { task: job.task } });
    } catch (e) {
      // The lab has ended (its tracking takes no new workers): this task fails, nothing is left running.
      job.reject(e);
      return;
    }
    this.running++;
    this.started++;
    let reply: TaskEnvelope | null = null;
    job.stop = () => void w.terminate();
    w.once('message', (env: TaskEnvelope) => (reply = env));
    w.once('error', (e) => job.reject(e));
    w.once('exit', (code) => {
      this.running--;
      if (reply) job.resolve(reply);
      else job.reject(new WorkerDiedError(`the task's worker exited with code ${code} before returning`));
      this.pump();
    });
  }

  protected async close(): Promise<void> {
    this.track.signal?.removeEventListener('abort', this.onAbort);
  }
}
