/**
 * A process pool: a few forked Node children, each running one task at a time
 * (process-pool.child.ts), fed from one FIFO queue. Every child is started
 * through the lab's tracking (ctx.fork), so none survives a timeout, a throw
 * or Ctrl-C. A child that dies mid-task (process.exit, a crash, an abort that
 * killed it) fails only its own task and is replaced; with maxTasksPerChild a
 * child is retired after that many tasks and a fresh one takes its place (the
 * book's maxtasksperchild).
 */
import type { ChildProcess } from 'node:child_process';
import { nextMessage } from '../core/wait.js';
import { BaseExecutor, WorkerDiedError, type Task, type TaskEnvelope, type Tracking } from './executor.js';
import { JobQueue, type Job } from './job-queue.js';
import { isReady, isResult, type ChildToPool, type PoolToChild } from './messages.js';

export const PROCESS_POOL_CHILD = new URL('./process-pool.child.js', import.meta.url);

export interface ProcessPoolOptions {
  size: number;
  /** How messages are encoded on the IPC channel (default 'advanced': the structured clone). */
  serialization?: 'json' | 'advanced';
  /** Retire a child after this many tasks (0 or absent: never). */
  maxTasksPerChild?: number;
  /** The child entry file (the seam for tests). */
  child?: URL;
  /** Bound on a child's start-up (default 15 s). */
  readyMs?: number;
}

interface Slot {
  proc: ChildProcess;
  pid: number;
  job: Job | null;
  tasks: number;
  /** Retired (maxTasksPerChild) or killed: takes no new job. */
  gone: boolean;
}

/** How long a stopped child may take to exit before it is killed. */
const STOP_GRACE_MS = 2000;

export class ProcessPoolExecutor extends BaseExecutor {
  readonly kind = 'processes' as const;
  readonly sharesMemory = false;
  readonly name = 'process pool';
  readonly size: number;
  /** Every child pid this pool started, in order (replacements included). */
  readonly startedPids: number[] = [];
  /** For each child started, ms from fork to its ready message (what a replacement costs a waiting caller). */
  readonly readyMs: number[] = [];
  /** Children retired after maxTasksPerChild tasks, and children that died or were killed mid-task. */
  retired = 0;
  died = 0;
  protected readonly slots = new Set<Slot>();
  protected readonly queue = new JobQueue(() => this.pump());
  /** On --timeout or Ctrl-C, whatever is queued is rejected (the lab's tracking stops what runs). */
  private readonly onAbort = (): void => this.queue.rejectAll(this.track.signal?.reason);
  private closing = false;

  /** Use create(), which also starts the children. */
  constructor(
    protected readonly track: Tracking,
    protected readonly o: ProcessPoolOptions,
  ) {
    super();
    this.size = o.size;
    track.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Start the pool: resolves once every child has said it is ready. */
  static async create(track: Tracking, o: ProcessPoolOptions): Promise<ProcessPoolExecutor> {
    // `this`: a subclass (a test's broken pool) creates itself.
    const ex = new this(track, o);
    await ex.start();
    return ex;
  }

  protected async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.o.size }, () => this.spawn()));
  }

  get pids(): number[] {
    return [...this.slots].map((s) => s.pid);
  }

  /** Fork one child; resolves when it is ready (rejects when it cannot start, or the lab has ended). */
  protected async spawn(): Promise<void> {
    const forkedAt = performance.now();
    const proc = this.track.fork(this.o.child ?? PROCESS_POOL_CHILD, [], {
      serialization: this.o.serialization ?? 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const pid = proc.pid ?? -1;
    this.startedPids.push(pid);
    const slot: Slot = { proc, pid, job: null, tasks: 0, gone: false };
    this.slots.add(slot);
    const ready = nextMessage(proc, this.o.readyMs ?? 15_000, `process pool child ${pid} ready`, {
      pred: isReady,
      signal: this.track.signal,
    });
    proc.on('message', (m: ChildToPool) => {
      if (!isResult(m) || slot.job?.id !== m.id) return;
      const job = slot.job;
      slot.job = null;
      slot.tasks++;
      if (this.o.maxTasksPerChild && slot.tasks >= this.o.maxTasksPerChild) this.retire(slot);
      job.resolve(m.env);
    });
    proc.once('exit', (code, sig) => {
      this.slots.delete(slot);
      const job = slot.job;
      slot.job = null;
      if (job) {
        this.died++;
        job.reject(new WorkerDiedError(`the child process (pid ${pid}) exited (${sig ?? `code ${code}`}) while running the task`));
      }
      // A child that died (not one retired or stopped) is replaced.
      if (!slot.gone && !this.closing && !this.track.signal?.aborted) void this.spawn().catch(() => {});
      this.pump();
    });
    try {
      await ready;
      this.readyMs.push(performance.now() - forkedAt);
    } catch (e) {
      proc.kill('SIGKILL');
      throw e;
    }
    this.pump();
  }

  private retire(slot: Slot): void {
    slot.gone = true;
    this.retired++;
    this.send(slot, { type: 'stop' });
    if (!this.closing) void this.spawn().catch(() => {});
  }

  private send(slot: Slot, m: PoolToChild): void {
    if (slot.proc.connected) slot.proc.send(m);
  }

  protected dispatch(t: Task, signal: AbortSignal | undefined): Promise<TaskEnvelope> {
    return this.queue.add(t, signal);
  }

  /** Give each idle child the next queued job. */
  protected pump(): void {
    for (const slot of this.slots) {
      if (slot.job || slot.gone || !slot.proc.connected) continue;
      const job = this.queue.take();
      if (!job) return;
      this.runOn(slot, job);
    }
  }

  protected runOn(slot: Slot, job: Job): void {
    slot.job = job;
    // Aborting a running task kills its child (the only way to stop it); the exit handler replaces it.
    job.stop = () => {
      slot.job = null;
      slot.gone = true;
      this.died++;
      slot.proc.kill('SIGKILL');
      if (!this.closing) void this.spawn().catch(() => {});
    };
    this.send(slot, { type: 'run', id: job.id, task: job.task });
  }

  protected async close(): Promise<void> {
    this.closing = true;
    this.track.signal?.removeEventListener('abort', this.onAbort);
    const exits = [...this.slots].map(async (slot) => {
      if (slot.proc.exitCode !== null || slot.proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => slot.proc.once('exit', () => r()));
      slot.gone = true;
      this.send(slot, { type: 'stop' });
      const t = setTimeout(() => slot.proc.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(t);
    });
    await Promise.all(exits);
  }
}
