// Test helpers: start fixture workers from test/fixtures/sync, wait for their
// one result message with a bound, and make sure none outlives its test.
import { Worker } from 'node:worker_threads';

const live = new Set<Worker>();
// The first message (or failure) of each worker, captured from the moment it
// is spawned: a worker may report before the test gets round to asking, and
// a 'message' event with no listener is simply lost.
const outcomes = new WeakMap<Worker, Promise<unknown>>();

export function spawn(fixture: string, workerData: unknown): Worker {
  const w = new Worker(new URL(`../fixtures/sync/${fixture}`, import.meta.url), { workerData });
  live.add(w);
  const outcome = new Promise<unknown>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => {
      live.delete(w);
      reject(new Error(`worker ${fixture} exited (code ${code}) without a result`));
    });
  });
  outcome.catch(() => {}); // observed through result(); never an unhandled rejection
  outcomes.set(w, outcome);
  return w;
}

/** The worker's first message; rejects on error, exit without a message, or after timeoutMs. */
export function result<T = Record<string, unknown>>(w: Worker, timeoutMs = 30_000): Promise<T> {
  const outcome = outcomes.get(w);
  if (outcome === undefined) throw new Error('not a worker from spawn()');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`worker gave no result within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([outcome as Promise<T>, timeout]).finally(() => clearTimeout(timer));
}

export async function terminateAll(): Promise<void> {
  await Promise.all([...live].map((w) => w.terminate()));
  live.clear();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `pred` (without blocking the event loop) until true; throws after timeoutMs. */
export async function until(pred: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Runs a synchronous blocking call and returns its result and duration. */
export function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

/** Generous upper margin for "returned promptly after its timeout" on a busy 2-core box. */
export const SLACK_MS = 1000;
