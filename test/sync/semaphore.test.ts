import { afterEach, describe, expect, it } from 'vitest';
import { Barrier, BoundedSemaphore, Semaphore } from '../../dist/src/sync/index.js';
import { result, spawn, terminateAll } from './workers.js';

afterEach(terminateAll);

describe('Semaphore', () => {
  it('never lets more than `count` workers in, and does let `count` in at once', async () => {
    const COUNT = 3;
    const WORKERS = 6;
    const sem = Semaphore.create(COUNT);
    const stats = new SharedArrayBuffer(8); // [holders now, max holders seen]
    const gate = Barrier.create(WORKERS).handle();
    const workers = Array.from({ length: WORKERS }, () =>
      spawn('semaphore.mjs', { sem: sem.handle(), stats, gate, iterations: 40, holdMs: 1 }),
    );
    await Promise.all(workers.map((w) => result(w, 50_000)));
    const [now, max] = new Int32Array(stats);
    expect(now).toBe(0);
    expect(max).toBe(COUNT);
    expect(max).toBeGreaterThan(1);
    expect(sem.value()).toBe(COUNT);
  });

  it('counts: acquire/tryAcquire take permits, release(n) returns them', () => {
    const sem = Semaphore.create(2);
    expect(sem.tryAcquire()).toBe(true);
    expect(sem.acquire(0)).toBe(true);
    expect(sem.tryAcquire()).toBe(false);
    expect(sem.value()).toBe(0);
    sem.release(3); // an unbounded semaphore may grow past its initial count
    expect(sem.value()).toBe(3);
    expect(() => sem.release(0)).toThrow(RangeError);
  });

  it('initialises only when given a count; attaching reads the shared count', () => {
    const buffer = new SharedArrayBuffer(Semaphore.BYTES * 2);
    expect(new Semaphore(buffer, Semaphore.BYTES).value()).toBe(0); // zeroed = 0 permits
    const a = new Semaphore(buffer, 0, 5);
    a.tryAcquire();
    const b = Semaphore.from(structuredClone(a.handle()));
    expect(b.value()).toBe(4);
    expect(new Semaphore(buffer, 0).value()).toBe(4);
  });
});

describe('BoundedSemaphore', () => {
  it('rejects a release above its max with a RangeError and keeps its count', () => {
    const sem = BoundedSemaphore.create(2);
    expect(sem.max).toBe(2);
    expect(() => sem.release()).toThrow(RangeError);
    expect(sem.value()).toBe(2);
    expect(sem.acquire(100)).toBe(true);
    sem.release();
    expect(() => sem.release()).toThrow(RangeError);
    expect(sem.acquire(100)).toBe(true);
    expect(sem.acquire(100)).toBe(true);
    expect(() => sem.release(3)).toThrow(RangeError);
    sem.release(2);
    expect(sem.value()).toBe(2);
  });

  it('can start below max; attaching in another object sees the same max', () => {
    const sem = BoundedSemaphore.create(0, 2);
    const other = BoundedSemaphore.from(sem.handle());
    expect(other.max).toBe(2);
    sem.release();
    other.release();
    expect(() => sem.release()).toThrow(RangeError);
    expect(other.value()).toBe(2);
  });
});
