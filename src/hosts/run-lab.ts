/**
 * The CLI side of a host: start the lab in a worker thread or a child process
 * (own process group), relay progress, enforce --timeout, honour Ctrl-C, and
 * make sure that when this returns nothing the lab started is still running.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { toSerializedError } from '../core/errors.js';
import { resolveRun, type LabInvocation } from '../core/invocation.js';
import type { AnyLab } from '../core/lab.js';
import { emptyReport, type HostKind, type Report, type Status } from '../core/report.js';
import { machine } from '../measure/machine.js';
import type { LabStart, LabToHost } from './messages.js';
import { markStuckThread } from './hard-exit.js';
import { isAlive, killGroup } from './tracker.js';

export interface HostRun {
  lab: AnyLab;
  /** file:// URL of the compiled lab module. */
  labUrl: string;
  options: Record<string, unknown>;
  common: LabStart['common'];
  host: HostKind;
  timeoutMs: number;
  onProgress?: (text: string, fraction?: number) => void;
  /** Aborted by the CLI on SIGINT/SIGTERM. */
  signal?: AbortSignal;
  /** Where the lab's own stdout/stderr go (default: our stderr, so --json stays clean). */
  log?: NodeJS.WritableStream;
}

const ENTRY = new URL('./lab-entry.js', import.meta.url);
/** Time a lab gets to stop by itself after abort, before it is killed. */
const ABORT_GRACE_MS = 500;
/** Time between SIGTERM and SIGKILL for a process host. */
const KILL_GRACE_MS = 500;
const READY_TIMEOUT_MS = 15_000;
/** Signals a process gets from its own native fault, not from someone stopping it. */
const NATIVE_CRASH = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGABRT', 'SIGTRAP']);

/** Every child process of the running labs: killed on our own exit, whatever the cause. */
const livePids = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of livePids) killGroup(pid, 'SIGKILL');
  });
}

export function fallbackReport(run: HostRun, status: Status, message: string, durationMs: number): Report {
  const name = status === 'timeout' ? 'TimeoutError' : status === 'interrupted' ? 'Interrupted' : 'Error';
  return emptyReport(
    {
      lab: run.lab,
      options: { ...run.options, quick: run.common.quick, repeat: run.common.repeat, warmup: run.common.warmup },
      seed: run.common.seed,
      host: run.host,
      machine: machine(),
      startedAt: new Date(Date.now() - durationMs).toISOString(),
      durationMs,
    },
    status,
    { name, message },
  );
}

interface Handle {
  post(m: unknown): void;
  on(f: (m: LabToHost) => void): void;
  onEnd(f: (why: string) => void): void;
  /** Stop the lab's thread or process; false when it could not be stopped. */
  kill(): Promise<boolean>;
}

function startWorker(log: NodeJS.WritableStream): Handle {
  const w = new Worker(ENTRY, { stdout: true, stderr: true });
  w.stdout.pipe(log, { end: false });
  w.stderr.pipe(log, { end: false });
  let exited = false;
  const exit = new Promise<void>((r) => w.once('exit', () => ((exited = true), r())));
  return {
    post: (m) => w.postMessage(m),
    on: (f) => w.on('message', f),
    onEnd: (f) => {
      w.on('error', (e) => f(e.stack ?? e.message));
      w.once('exit', (code) => f(`the lab's worker exited with code ${code} before sending its report`));
    },
    kill: async () => {
      // terminate() stops JavaScript; a thread stuck in native code outlives it.
      if (!exited) await Promise.race([w.terminate().then(() => exit), new Promise((r) => setTimeout(r, 2000).unref())]);
      return exited;
    },
  };
}

function startProcess(log: NodeJS.WritableStream): Handle {
  const c: ChildProcess = fork(fileURLToPath(ENTRY), [], {
    detached: true, // own process group: killed as a group
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const pid = c.pid;
  if (pid !== undefined) livePids.add(pid);
  c.stdout?.pipe(log, { end: false });
  c.stderr?.pipe(log, { end: false });
  const exit = new Promise<void>((r) => c.once('exit', () => r()));
  return {
    post: (m) => {
      if (c.connected) c.send(m as object);
    },
    on: (f) => c.on('message', (m) => f(m as LabToHost)),
    onEnd: (f) => {
      c.on('error', (e) => f(e.message));
      c.once('exit', (code, sig) =>
        f(
          sig && NATIVE_CRASH.has(sig)
            ? `the lab's process crashed (${sig}: a native crash) before sending its report`
            : `the lab's process exited (${sig ?? `code ${code}`}) before sending its report`,
        ),
      );
    },
    kill: async () => {
      if (pid === undefined) return true;
      if (c.exitCode === null && c.signalCode === null) {
        killGroup(pid, 'SIGTERM');
        const t = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
        await Promise.race([exit, new Promise((r) => setTimeout(r, KILL_GRACE_MS + 1000))]);
        clearTimeout(t);
      }
      // Anything left in the group (grandchildren) goes too.
      killGroup(pid, 'SIGKILL');
      livePids.delete(pid);
      return true;
    },
  };
}

/** Run one lab in its host; always resolves with a report (errors, timeouts and interrupts are data). */
export async function runInHost(run: HostRun): Promise<Report> {
  installExitHook();
  const t0 = Date.now();
  const log = run.log ?? process.stderr;
  const h = run.host === 'process' ? startProcess(log) : startWorker(log);
  const childPids = new Set<number>();

  let verdict: { status: Status; message: string } | null = null;
  let settle!: (r: Report) => void;
  const result = new Promise<Report>((r) => (settle = r));
  let done = false;
  const finish = (r: Report): void => {
    if (done) return;
    done = true;
    settle(r);
  };

  const readyTimer = setTimeout(
    () => finish(fallbackReport(run, 'error', `the lab's ${run.host} did not start within ${READY_TIMEOUT_MS / 1000} s`, Date.now() - t0)),
    READY_TIMEOUT_MS,
  );

  h.on((m) => {
    switch (m.type) {
      case 'ready': {
        clearTimeout(readyTimer);
        const start: LabStart = { type: 'start', labUrl: run.labUrl, options: run.options, common: run.common, host: run.host };
        h.post(start);
        break;
      }
      case 'progress':
        run.onProgress?.(m.text, m.fraction);
        break;
      case 'pid':
        if (m.alive) {
          childPids.add(m.pid);
          livePids.add(m.pid);
        } else {
          childPids.delete(m.pid);
          livePids.delete(m.pid);
        }
        break;
      case 'report':
        if (verdict) {
          // The lab stopped by itself after abort: keep what it measured, but the verdict is ours.
          m.report.status = verdict.status;
          m.report.error = { name: verdict.status === 'timeout' ? 'TimeoutError' : 'Interrupted', message: verdict.message };
        }
        finish(m.report);
        break;
    }
  });
  h.onEnd((why) => {
    if (verdict) finish(fallbackReport(run, verdict.status, verdict.message, Date.now() - t0));
    else finish(fallbackReport(run, 'error', why, Date.now() - t0));
  });

  const stop = (status: Status, message: string): void => {
    if (verdict || done) return;
    verdict = { status, message };
    h.post({ type: 'abort', reason: message });
    // Give the lab a moment to clean up by itself, then kill it.
    setTimeout(() => finish(fallbackReport(run, status, message, Date.now() - t0)), ABORT_GRACE_MS).unref();
  };

  const timer = setTimeout(
    () => stop('timeout', `lab ${run.lab.id} (${run.lab.slug}) timed out after ${formatSeconds(run.timeoutMs)}`),
    run.timeoutMs,
  );
  const onAbort = (): void => stop('interrupted', `lab ${run.lab.id} (${run.lab.slug}) interrupted`);
  if (run.signal?.aborted) onAbort();
  run.signal?.addEventListener('abort', onAbort, { once: true });

  let report: Report;
  try {
    report = await result;
  } catch (e) {
    report = fallbackReport(run, 'error', toSerializedError(e).message, Date.now() - t0);
  }
  clearTimeout(timer);
  clearTimeout(readyTimer);
  run.signal?.removeEventListener('abort', onAbort);
  if (!(await h.kill())) {
    markStuckThread();
    report.notes.push(
      "the lab's worker thread did not stop within 2 s of terminate(): it is stuck in native code, which terminate() " +
        'cannot interrupt; conc ends its own process to be rid of it',
    );
  }
  for (const pid of childPids) {
    if (isAlive(pid)) killGroup(pid, 'SIGKILL');
    livePids.delete(pid);
  }
  return report;
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * Run an invocation (a lab, its resolved options, the common settings as
 * given) in its host, with the lab's defaults for what was not given: what
 * `conc lab N` and each lab of `conc lab all` do. Always resolves with a report.
 */
export function runInvocation(
  inv: LabInvocation,
  hooks: { signal?: AbortSignal; onProgress?: (text: string, fraction?: number) => void } = {},
): Promise<Report> {
  const { lab } = inv.entry;
  const r = resolveRun(lab, inv.common);
  return runInHost({
    lab,
    labUrl: inv.entry.url,
    options: inv.options,
    common: { quick: r.quick, repeat: r.repeat, warmup: r.warmup, seed: r.seed },
    host: r.host,
    timeoutMs: r.timeoutMs,
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  });
}
