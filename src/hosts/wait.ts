/**
 * Bounded waits. Nothing in conc waits without a limit: each helper here
 * rejects with WaitTimeoutError when its time runs out, and with the
 * signal's reason when the lab is cancelled.
 */
import type { ChildProcess } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import { WaitTimeoutError } from '../core/errors.js';

export function withTimeout<T>(p: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
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

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
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

type Emitter = Worker | ChildProcess;

/** The next 'message' from a worker or child that satisfies pred; rejects on error/exit first. */
export function nextMessage<T = unknown>(
  src: Emitter,
  ms: number,
  what: string,
  pred: (m: unknown) => boolean = () => true,
  signal?: AbortSignal,
): Promise<T> {
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
  return withTimeout(p, ms, what, signal).finally(() => cleanup());
}

/** Resolves with the exit code (or signal name) of a worker or child, within ms. */
export function waitForExit(src: Emitter, ms: number, what: string): Promise<number | string> {
  const p = new Promise<number | string>((resolve) => {
    const child = src as ChildProcess;
    if (typeof child.exitCode === 'number') return resolve(child.exitCode);
    if (typeof child.signalCode === 'string' && child.signalCode) return resolve(child.signalCode);
    src.once('exit', (code: number | null, sig?: string | null) => resolve(code ?? sig ?? 'unknown'));
  });
  return withTimeout(p, ms, what);
}
