/**
 * Bounded waits: the toolkit a lab waits with. Nothing in conc waits without
 * a limit: each helper rejects with WaitTimeoutError when its time runs out,
 * and with the signal's reason when the signal is aborted.
 *
 * A lab uses the context's bound forms (`ctx.nextMessage`, `ctx.waitForExit`,
 * `ctx.withTimeout`, `ctx.sleep`), which pass the run's signal for it; the
 * unbound forms here are for code that has no context (tests, workers, the
 * hosts themselves).
 */
import type { ChildProcess } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import { WaitTimeoutError } from './errors.js';

export interface WaitOptions {
  /** Reject with the signal's reason as soon as it aborts. */
  signal?: AbortSignal | undefined;
}

export interface MessageWaitOptions<T> extends WaitOptions {
  /** Wait for the first message that satisfies this (default: any message). */
  pred?: ((m: unknown) => m is T) | ((m: unknown) => boolean) | undefined;
}

/** Anything that emits 'message', 'error' and 'exit' like a Worker or a forked ChildProcess. */
export type Emitter = Worker | ChildProcess;

export function withTimeout<T>(p: Promise<T>, ms: number, what: string, opts: WaitOptions = {}): Promise<T> {
  const { signal } = opts;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(new WaitTimeoutError(what, ms))), ms);
    const onAbort = (): void => done(() => reject(signal?.reason ?? new Error('aborted')));
    let settled = false;
    function done(f: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      f();
    }
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => done(() => resolve(v)),
      (e: unknown) => done(() => reject(e)),
    );
  });
}

export function sleep(ms: number, opts: WaitOptions = {}): Promise<void> {
  const { signal } = opts;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The next 'message' from a worker or child that satisfies pred; rejects on error/exit first. */
export function nextMessage<T = unknown>(src: Emitter, ms: number, what: string, opts: MessageWaitOptions<T> = {}): Promise<T> {
  const pred = opts.pred ?? (() => true);
  let cleanup = (): void => {};
  const p = new Promise<T>((resolve, reject) => {
    const onMsg = (m: unknown): void => {
      if (pred(m)) {
        cleanup();
        resolve(m as T);
      }
    };
    const onErr = (e: unknown): void => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`${what}: exited (code ${code}) before replying`));
    };
    src.on('message', onMsg);
    src.on('error', onErr);
    src.on('exit', onExit);
    cleanup = () => {
      src.off('message', onMsg);
      src.off('error', onErr);
      src.off('exit', onExit);
    };
  });
  return withTimeout(p, ms, what, opts).finally(() => cleanup());
}

/** Resolves with the exit code (or signal name) of a worker or child, within ms. */
export function waitForExit(src: Emitter, ms: number, what: string, opts: WaitOptions = {}): Promise<number | string> {
  let cleanup = (): void => {};
  const p = new Promise<number | string>((resolve) => {
    const child = src as ChildProcess;
    if (typeof child.exitCode === 'number') return resolve(child.exitCode);
    if (typeof child.signalCode === 'string' && child.signalCode) return resolve(child.signalCode);
    const onExit = (code: number | null, sig?: string | null): void => resolve(code ?? sig ?? 'unknown');
    src.once('exit', onExit);
    cleanup = () => src.off('exit', onExit);
  });
  return withTimeout(p, ms, what, opts).finally(() => cleanup());
}
