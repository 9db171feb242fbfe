/**
 * The FIFO queue behind the executors that schedule their own work
 * (sequential, process pool, worker per task): a job is queued, then running,
 * then settled. Aborting a queued job takes it out of the queue and rejects it
 * (it never runs); aborting a running one asks its executor to stop it.
 */
import { TaskAbortedError, type Task, type TaskEnvelope } from './executor.js';

export interface Job {
  readonly id: number;
  readonly task: Task;
  state: 'queued' | 'running' | 'settled';
  /** Set by the executor while the job runs: how to stop it (kill its worker). */
  stop?: () => void;
  resolve(env: TaskEnvelope): void;
  reject(e: unknown): void;
}

export class JobQueue {
  private readonly queued: Job[] = [];
  private nextId = 1;

  constructor(
    /** Called when a job is queued and whenever one settles: the executor starts what it can. */
    private readonly pump: () => void,
  ) {}

  get length(): number {
    return this.queued.length;
  }

  add(task: Task, signal: AbortSignal | undefined): Promise<TaskEnvelope> {
    return new Promise<TaskEnvelope>((resolve, reject) => {
      const onAbort = (): void => {
        if (job.state === 'queued') {
          const i = this.queued.indexOf(job);
          if (i >= 0) this.queued.splice(i, 1);
          job.reject(new TaskAbortedError(signal?.reason));
        } else if (job.state === 'running') {
          const stop = job.stop;
          job.reject(new TaskAbortedError(signal?.reason));
          stop?.();
        }
      };
      const settle = (): boolean => {
        if (job.state === 'settled') return false;
        job.state = 'settled';
        signal?.removeEventListener('abort', onAbort);
        queueMicrotask(this.pump);
        return true;
      };
      const job: Job = {
        id: this.nextId++,
        task,
        state: 'queued',
        resolve: (env) => settle() && resolve(env),
        reject: (e) => settle() && reject(e),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queued.push(job);
      this.pump();
    });
  }

  /** The next queued job, now marked running; undefined when none is queued. */
  take(): Job | undefined {
    const job = this.queued.shift();
    if (job) job.state = 'running';
    return job;
  }

  /** Reject every queued job (the executor is going away). */
  rejectAll(e: unknown): void {
    for (const job of this.queued.splice(0)) job.reject(e);
  }
}
