/**
 * The baseline: every task on the caller's own thread, one after another.
 * Tasks still go through a queue (and a turn of the event loop each), so that
 * cancelling a queued task works as it does in the pools; a running task
 * cannot be stopped (it holds the only thread), and a task that calls
 * process.exit() ends the caller: nothing contains it here.
 */
import { BaseExecutor, type Task, type TaskEnvelope } from './executor.js';
import { JobQueue } from './job-queue.js';
import { runTask } from './run-task.js';

export class SequentialExecutor extends BaseExecutor {
  readonly name = 'sequential';
  readonly kind = 'sequential' as const;
  readonly size = 1;
  readonly sharesMemory = true;
  private readonly queue = new JobQueue(() => this.pump());
  private busy = false;

  constructor(private readonly label = 'lab thread') {
    super();
  }

  protected dispatch(t: Task, signal: AbortSignal | undefined): Promise<TaskEnvelope> {
    return this.queue.add(t, signal);
  }

  private pump(): void {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    // A turn of the event loop first: aborts and other callbacks get their say between tasks.
    setImmediate(() => {
      const job = this.queue.take();
      if (!job) {
        this.busy = false;
        return;
      }
      void runTask(job.task, this.label).then((env) => {
        this.busy = false;
        job.resolve(env);
        this.pump();
      });
    });
  }

  protected async close(): Promise<void> {}
}
