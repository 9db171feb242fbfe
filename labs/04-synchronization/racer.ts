/**
 * One racer, as a function of its increment methods: `serveRacer(METHODS)` is
 * the whole of race.worker.ts. The table is the seam the lab's fault tests
 * use (a racy method swapped for an atomic one, a mutex that does not lock);
 * what users run is always METHODS.
 */
import { parentPort } from 'node:worker_threads';
import { Barrier } from '../../src/sync/barrier.js';
import { Mutex } from '../../src/sync/mutex.js';
import type { RaceMethod, RaceReply, RaceRequest } from './messages.js';

const BARRIER_TIMEOUT_MS = 10_000;
const LOCK_TIMEOUT_MS = 10_000;
const now = (): number => performance.timeOrigin + performance.now();

/** n increments of c[0]; false if a lock timed out. */
export type Increment = (c: Int32Array, n: number, mutex: Mutex) => boolean;

export const METHODS: Record<RaceMethod, Increment> = {
  plain(c, n) {
    // No synchronization at all. Besides interleaving, the optimizing JIT
    // may keep c[0] in a register for the whole loop (it may assume no
    // other thread writes it): a racer then stores its own start value + n
    // and erases everything others did meanwhile.
    for (let k = 0; k < n; k++) c[0] = (c[0] as number) + 1;
    return true;
  },
  'load-store'(c, n) {
    // Each access is atomic and really goes to memory, but the pair is not:
    // two racers that load the same value both store value+1, and one
    // update is lost. The classic race, one increment at a time.
    for (let k = 0; k < n; k++) Atomics.store(c, 0, Atomics.load(c, 0) + 1);
    return true;
  },
  atomic(c, n) {
    for (let k = 0; k < n; k++) Atomics.add(c, 0, 1);
    return true;
  },
  mutex(c, n, mutex) {
    for (let k = 0; k < n; k++) {
      if (!mutex.lock(LOCK_TIMEOUT_MS)) return false;
      c[0] = (c[0] as number) + 1; // the same plain increment, now inside the critical section
      mutex.unlock();
    }
    return true;
  },
};

/** How racers meet before the start; a fault test may replace it. */
export type Meet = (barrier: Barrier, timeoutMs: number) => boolean;
const meet: Meet = (b, ms) => b.wait(ms).ok;

/**
 * Increments per chunk: the racer notes the time after each, so the lab can
 * tell the stretches it ran from those it waited for a core (overlap.ts).
 * A chunk takes 0.1 to 0.5 ms; a time slice is milliseconds.
 */
export const CHUNK = 4096;

function race(m: RaceRequest, methods: Record<RaceMethod, Increment>, meetAt: Meet): RaceReply {
  const c = new Int32Array(m.counter, 0, 1);
  const mutex = Mutex.from(m.mutex);
  if (!meetAt(Barrier.from(m.barrier), BARRIER_TIMEOUT_MS)) return { kind: 'raced', t0: 0, t1: 0, stamps: [], error: 'barrier timed out' };
  // Bounded: startAt is at most START_DELAY_MS after the lab posted the request.
  while (now() < m.startAt);
  const inc = methods[m.method];
  const stamps: number[] = [];
  let ok = true;
  const t0 = now();
  if (m.method === 'plain') {
    // One loop: chunks would change what the JIT makes of c[0] (plain is only shown).
    ok = inc(c, m.increments, mutex);
  } else {
    for (let done = 0; ok && done < m.increments; done += CHUNK) {
      ok = inc(c, Math.min(CHUNK, m.increments - done), mutex);
      stamps.push(now());
    }
  }
  const t1 = now();
  return ok ? { kind: 'raced', t0, t1, stamps } : { kind: 'raced', t0, t1, stamps, error: 'mutex lock timed out' };
}

/** Answers each RaceRequest with a RaceReply, by the given methods. */
export function serveRacer(methods: Record<RaceMethod, Increment>, meetAt: Meet = meet): void {
  parentPort?.on('message', (m: RaceRequest) => {
    let reply: RaceReply;
    try {
      reply = race(m, methods, meetAt);
    } catch (e) {
      reply = { kind: 'raced', t0: 0, t1: 0, stamps: [], error: e instanceof Error ? e.message : String(e) };
    }
    parentPort?.postMessage(reply);
  });
}
