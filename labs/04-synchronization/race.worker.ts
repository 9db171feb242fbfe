/**
 * One racer: increments the shared counter `increments` times by the method
 * asked, after all racers met at the barrier, and reports when it started and
 * finished.
 */
import { parentPort } from 'node:worker_threads';
import { Barrier } from '../../src/sync/barrier.js';
import { Mutex } from '../../src/sync/mutex.js';
import type { RaceReply, RaceRequest } from './messages.js';

const BARRIER_TIMEOUT_MS = 10_000;
const LOCK_TIMEOUT_MS = 10_000;
const now = (): number => performance.timeOrigin + performance.now();

function race(m: RaceRequest): RaceReply {
  const c = new Int32Array(m.counter, 0, 1);
  const mutex = Mutex.from(m.mutex);
  if (!Barrier.from(m.barrier).wait(BARRIER_TIMEOUT_MS).ok) return { kind: 'raced', t0: 0, t1: 0, error: 'barrier timed out' };
  // Bounded: startAt is at most START_DELAY_MS after the lab posted the request.
  while (now() < m.startAt);
  const n = m.increments;
  const t0 = now();
  switch (m.method) {
    case 'plain':
      // No synchronization at all. Besides interleaving, the optimizing JIT
      // may keep c[0] in a register for the whole loop (it may assume no
      // other thread writes it): a racer then stores its own start value + n
      // and erases everything others did meanwhile.
      for (let k = 0; k < n; k++) c[0] = (c[0] as number) + 1;
      break;
    case 'load-store':
      // Each access is atomic and really goes to memory, but the pair is not:
      // two racers that load the same value both store value+1, and one
      // update is lost. The classic race, one increment at a time.
      for (let k = 0; k < n; k++) Atomics.store(c, 0, Atomics.load(c, 0) + 1);
      break;
    case 'atomic':
      for (let k = 0; k < n; k++) Atomics.add(c, 0, 1);
      break;
    case 'mutex':
      for (let k = 0; k < n; k++) {
        if (!mutex.lock(LOCK_TIMEOUT_MS)) return { kind: 'raced', t0, t1: now(), error: 'mutex lock timed out' };
        c[0] = (c[0] as number) + 1; // the same plain increment, now inside the critical section
        mutex.unlock();
      }
      break;
  }
  return { kind: 'raced', t0, t1: now() };
}

parentPort?.on('message', (m: RaceRequest) => {
  let reply: RaceReply;
  try {
    reply = race(m);
  } catch (e) {
    reply = { kind: 'raced', t0: 0, t1: 0, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply);
});
