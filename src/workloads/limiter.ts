/**
 * A concurrency limiter for async work on one thread (what p-limit or an
 * asyncio.Semaphore does): at most `limit` tasks run at once, the rest wait
 * in FIFO order. It counts what it let through (active, maxActive), but the
 * labs judge it by what the other side saw (the server's in-flight count).
 */

export interface Limiter {
  /** Run fn when a slot is free; settles as fn does. Rejects with the signal's reason if aborted while queued. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  readonly limit: number;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly queued: number;
  /** The most tasks that ever ran at once. */
  readonly maxActive: number;
}

/** Makes a limiter: the seam a fault test replaces with one that lets limit + 1 through. */
export type LimiterFactory = (limit: number, signal?: AbortSignal) => Limiter;

export const createLimiter: LimiterFactory = (limit, signal) => {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer >= 1, got ${limit}`);
  let active = 0;
  let maxActive = 0;
  const queue: { start: () => void; fail: (e: unknown) => void }[] = [];

  const onAbort = (): void => {
    for (const w of queue.splice(0)) w.fail(signal?.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const release = (): void => {
    active--;
    const next = queue.shift();
    if (next) next.start();
  };

  return {
    limit,
    get active() {
      return active;
    },
    get queued() {
      return queue.length;
    },
    get maxActive() {
      return maxActive;
    },
    run<T>(fn: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          active++;
          if (active > maxActive) maxActive = active;
          let p: Promise<T>;
          try {
            p = fn();
          } catch (e) {
            p = Promise.reject(e);
          }
          p.then(resolve, reject).finally(release);
        };
        if (signal?.aborted) return reject(signal.reason);
        if (active < limit) start();
        else queue.push({ start, fail: reject });
      });
    },
  };
};

/** fn over every item, at most `limit` at once; results in input order (Promise.all semantics: the first rejection rejects). */
export function mapLimit<T, R>(
  items: readonly T[],
  limiter: Limiter,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  return Promise.all(items.map((item, i) => limiter.run(() => fn(item, i))));
}
