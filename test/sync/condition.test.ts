import { afterEach, describe, expect, it } from 'vitest';
import { Condition, Mutex } from '../../dist/src/sync/index.js';
import { result, sleep, spawn, terminateAll, until } from './workers.js';

afterEach(terminateAll);

const WAITERS = 4;

/** Starts WAITERS workers blocked in cond.wait and returns once all are registered. */
async function startWaiters() {
  const mutex = Mutex.create();
  const cond = Condition.create();
  const stats = new SharedArrayBuffer(8); // [entered, woken]
  const counters = new Int32Array(stats);
  const workers = Array.from({ length: WAITERS }, () =>
    spawn('condition-waiter.mjs', { mutex: mutex.handle(), cond: cond.handle(), stats, timeoutMs: 20_000 }),
  );
  await until(() => Atomics.load(counters, 0) === WAITERS, 20_000, 'waiters to enter');
  // Each waiter registers with the condition before it releases the mutex,
  // so once we can take the mutex after all have entered, all are counted.
  await until(() => mutex.tryLock(), 20_000, 'the mutex');
  expect(cond.waiters()).toBe(WAITERS);
  return { mutex, cond, counters, workers };
}

describe('Condition', () => {
  it('notify() wakes exactly one of several waiters', async () => {
    const { mutex, cond, counters, workers } = await startWaiters();
    cond.notify();
    mutex.unlock();
    await until(() => Atomics.load(counters, 1) >= 1, 20_000, 'one waiter to wake');
    await sleep(300); // give any wrongly woken waiter time to show up
    expect(Atomics.load(counters, 1)).toBe(1);
    expect(cond.waiters()).toBe(WAITERS - 1);

    mutex.lock();
    cond.notify(2);
    mutex.unlock();
    await until(() => Atomics.load(counters, 1) >= 3, 20_000, 'two more waiters');
    await sleep(300);
    expect(Atomics.load(counters, 1)).toBe(3);

    mutex.lock();
    cond.notifyAll();
    mutex.unlock();
    const results = await Promise.all(workers.map((w) => result<{ ok: boolean; held: boolean }>(w)));
    expect(results.every((r) => r.ok && r.held)).toBe(true);
  });

  it('notifyAll() wakes all waiters, each returning with the mutex held', async () => {
    const { mutex, cond, counters, workers } = await startWaiters();
    cond.notifyAll();
    mutex.unlock();
    const results = await Promise.all(workers.map((w) => result<{ ok: boolean; held: boolean }>(w)));
    expect(Atomics.load(counters, 1)).toBe(WAITERS);
    expect(results).toEqual(Array.from({ length: WAITERS }, () => ({ ok: true, held: true })));
    expect(cond.waiters()).toBe(0);
  });

  it('a notify with nobody waiting is not remembered', () => {
    const mutex = Mutex.create();
    const cond = Condition.create();
    cond.notify();
    cond.notifyAll();
    mutex.lock();
    expect(cond.wait(mutex, 50)).toBe(false);
    expect(mutex.isLocked()).toBe(true);
    mutex.unlock();
  });

  it('wait() without holding the mutex throws and leaves no registration behind', () => {
    const mutex = Mutex.create();
    const cond = Condition.create();
    expect(() => cond.wait(mutex, 10)).toThrow(/not locked/);
    expect(cond.waiters()).toBe(0);
  });
});
