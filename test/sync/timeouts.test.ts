// Every blocking call, given a timeout it cannot meet, must give up: return
// false / null / ok:false (not throw), no earlier than the timeout and not
// much later. Atomics.wait works on the main thread, so these block it.
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  BlockingQueue,
  BoundedSemaphore,
  Condition,
  Event,
  Mutex,
  ReentrantMutex,
  RingBuffer,
  Semaphore,
  SharedQueue,
} from '../../dist/src/sync/index.js';
import { SLACK_MS, timed } from './workers.js';

const T = 150;

function expectTimeout<T>(f: () => T, failed: T) {
  const { value, ms } = timed(f);
  expect(value).toEqual(failed);
  expect(ms).toBeGreaterThanOrEqual(T - 1);
  expect(ms).toBeLessThan(T + SLACK_MS);
}

describe('timeouts', () => {
  it('Mutex.lock on a held mutex', () => {
    const m = Mutex.create();
    m.lock();
    expectTimeout(() => m.lock(T), false);
    m.unlock(); // the timed-out locker left the mutex usable
    expect(m.tryLock()).toBe(true);
  });

  it('ReentrantMutex.lock held by another owner', () => {
    const a = ReentrantMutex.create(1);
    const b = ReentrantMutex.from(a.handle(), 2);
    a.lock();
    expectTimeout(() => b.lock(T), false);
  });

  it('Semaphore.acquire and BoundedSemaphore.acquire at zero', () => {
    expectTimeout(() => Semaphore.create(0).acquire(T), false);
    const b = BoundedSemaphore.create(1);
    b.acquire();
    expectTimeout(() => b.acquire(T), false);
  });

  it('Condition.wait without a notify (and it still re-acquires the mutex)', () => {
    const m = Mutex.create();
    const c = Condition.create();
    m.lock();
    expectTimeout(() => c.wait(m, T), false);
    expect(m.tryLock()).toBe(false); // held by us again
    expect(c.waiters()).toBe(0); // the timed-out waiter unregistered
    m.unlock();
  });

  it('Event.wait on a clear event', () => {
    expectTimeout(() => Event.create().wait(T), false);
  });

  it('Barrier.wait short of parties, which withdraws the arrival', () => {
    const b = Barrier.create(2);
    const { value, ms } = timed(() => b.wait(T));
    expect(value.ok).toBe(false);
    expect(ms).toBeGreaterThanOrEqual(T - 1);
    expect(ms).toBeLessThan(T + SLACK_MS);
    expect(b.arrived()).toBe(0);
    expect(b.generation()).toBe(0);
  });

  it('RingBuffer read/readInto on empty, write on full', () => {
    const r = RingBuffer.create(16);
    expectTimeout(() => r.read(T), null);
    expectTimeout(() => r.readInto(new Uint8Array(12), T), -1);
    r.tryWrite(new Uint8Array(12));
    expectTimeout(() => r.write(new Uint8Array(1), T), false);
  });

  it('BlockingQueue take on empty, put on full', () => {
    const q = BlockingQueue.create(1, 1);
    expectTimeout(() => q.take(T), null);
    q.put(Uint8Array.of(1));
    expectTimeout(() => q.put(Uint8Array.of(2), T), false);
    expect(q.size()).toBe(1);
  });

  it('SharedQueue get on empty, put on full', () => {
    for (const kind of ['fifo', 'lifo', 'priority'] as const) {
      const q = SharedQueue.create(kind, 1);
      expectTimeout(() => q.get(T), null);
      q.put(1);
      expectTimeout(() => q.put(2, T), false);
    }
  });
});
