/**
 * Tracks every worker thread, child process and cleanup a lab starts, so that
 * none survives the lab: on normal end, on a throw, on --timeout and on Ctrl-C.
 *
 * Child processes are started in their own process group (detached) and
 * killed as a group: SIGTERM, then SIGKILL after a grace period. Their pids
 * are reported to the host (onPid) as they start and end, so that if the lab's
 * own thread is terminated (and no JavaScript here runs any more) the host
 * can still kill them.
 */
import { fork, spawn, type ChildProcess, type ForkOptions, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { LabResources } from '../core/lab.js';

export type PidListener = (pid: number, alive: boolean) => void;

/** Kill a whole process group (falls back to the pid alone). Never throws. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long one deferred cleanup may take before the next one runs. */
const DEFER_BOUND_MS = 1000;

export class Tracker implements LabResources {
  private readonly workers = new Set<Worker>();
  private readonly children = new Set<ChildProcess>();
  private readonly deferred: (() => unknown)[] = [];
  private closed = false;
  private cleaning: Promise<void> | null = null;

  constructor(
    private readonly onPid: PidListener = () => {},
    private readonly graceMs = 500,
  ) {}

  get active(): { workers: number; children: number } {
    return { workers: this.workers.size, children: this.children.size };
  }

  worker(file: URL, opts?: WorkerOptions): Worker {
    this.assertOpen();
    const w = new Worker(file, opts);
    this.workers.add(w);
    w.once('exit', () => this.workers.delete(w));
    // An 'error' with no listener would crash the lab's thread; the lab's own
    // listeners still see it.
    w.on('error', () => {});
    return w;
  }

  fork(file: URL, args: readonly string[] = [], opts: ForkOptions = {}): ChildProcess {
    this.assertOpen();
    return this.adopt(fork(fileURLToPath(file), [...args], { ...opts, detached: true }));
  }

  spawn(command: string, args: readonly string[] = [], opts: SpawnOptions = {}): ChildProcess {
    this.assertOpen();
    return this.adopt(spawn(command, [...args], { stdio: 'ignore', ...opts, detached: true }));
  }

  defer(fn: () => unknown): void {
    if (this.closed) {
      // Registered after cleanup began (the lab made a pool while being
      // cancelled): tear it down now.
      void Promise.resolve().then(fn).catch(() => {});
      return;
    }
    this.deferred.push(fn);
  }

  private adopt(c: ChildProcess): ChildProcess {
    this.children.add(c);
    const pid = c.pid;
    if (pid !== undefined) this.onPid(pid, true);
    c.on('error', () => {});
    c.once('exit', () => {
      this.children.delete(c);
      if (pid !== undefined) this.onPid(pid, false);
    });
    return c;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the lab has ended: no new workers or processes');
  }

  /**
   * Stop everything still running and run the deferred cleanups (newest
   * first). Workers are terminated and process groups sent SIGTERM at once,
   * then the deferred functions run (each bounded by DEFER_BOUND_MS), then
   * stragglers get SIGKILL after graceMs. Bounded by about graceMs + 1 s plus
   * the deferred bounds; a second call waits for the first.
   */
  cleanup(): Promise<void> {
    this.cleaning ??= this.doCleanup();
    return this.cleaning;
  }

  private async doCleanup(): Promise<void> {
    this.closed = true;
    const waits: Promise<unknown>[] = [];
    for (const w of this.workers) waits.push(w.terminate().catch(() => {}));
    for (const c of this.children) {
      const pid = c.pid;
      if (pid === undefined || c.exitCode !== null || c.signalCode !== null) continue;
      killGroup(pid, 'SIGTERM');
      waits.push(
        new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            killGroup(pid, 'SIGKILL');
            resolve();
          }, this.graceMs);
          c.once('exit', () => {
            clearTimeout(t);
            // The leader is gone; anything left in its group goes too.
            killGroup(pid, 'SIGKILL');
            resolve();
          });
        }),
      );
    }
    for (const fn of this.deferred.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(fn),
          new Promise((r) => {
            timer = setTimeout(r, DEFER_BOUND_MS);
            timer.unref();
          }),
        ]);
      } catch {
        /* cleanup is best effort; the lab's result stands */
      } finally {
        clearTimeout(timer);
      }
    }
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, this.graceMs + 1000).unref())]);
  }
}
