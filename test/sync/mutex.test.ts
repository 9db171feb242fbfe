import { afterEach, describe, expect, it } from 'vitest';
import { Barrier, Mutex, ReentrantMutex, currentOwnerId } from '../../dist/src/sync/index.js';
import { result, spawn, terminateAll } from './workers.js';

afterEach(terminateAll);

const WORKERS = 4;
const ITERATIONS = 20_000;

async function runCounter(mode: 'mutex' | 'reentrant' | 'none'): Promise<{ count: number; maxDepth: number }> {
  const lock = mode === 'reentrant' ? ReentrantMutex.create().handle() : Mutex.create().handle();
  const counter = new SharedArrayBuffer(8);
  const gate = Barrier.create(WORKERS).handle();
  const workers = Array.from({ length: WORKERS }, () =>
    spawn('counter.mjs', { mode, lock, counter, gate, iterations: ITERATIONS }),
  );
  const results = await Promise.all(workers.map((w) => result<{ maxDepth: number }>(w, 50_000)));
  return {
    count: new Int32Array(counter)[0]!,
    maxDepth: Math.max(...results.map((r) => r.maxDepth)),
  };
}

describe('Mutex', () => {
  it('excludes: 4 workers x 20k slow read-modify-writes lose no update', async () => {
    const { count } = await runCounter('mutex');
    expect(count).toBe(WORKERS * ITERATIONS);
  });

  it('control: the same increments without the lock lose updates (so the test above can fail)', async () => {
    const { count } = await runCounter('none');
    expect(count).toBeLessThan(WORKERS * ITERATIONS);
  });

  it('tryLock / unlock / unlock of an unlocked mutex throws', () => {
    const m = Mutex.create();
    expect(m.tryLock()).toBe(true);
    expect(m.isLocked()).toBe(true);
    expect(m.tryLock()).toBe(false);
    expect(m.lock(0)).toBe(false);
    m.unlock();
    expect(m.isLocked()).toBe(false);
    expect(() => m.unlock()).toThrow(/not locked/);
    expect(m.lock()).toBe(true);
    m.unlock();
  });

  it('zeroed memory is an unlocked mutex; from(handle) attaches to the same word', () => {
    const buffer = new SharedArrayBuffer(16);
    const a = new Mutex(buffer, 8);
    const b = Mutex.from(structuredClone(a.handle()));
    expect(a.tryLock()).toBe(true);
    expect(b.tryLock()).toBe(false);
    b.unlock(); // no owner: any thread may unlock (like threading.Lock)
    expect(a.tryLock()).toBe(true);
    expect(() => new Mutex(buffer, 6)).toThrow(RangeError);
    expect(() => new Mutex(buffer, 16)).toThrow(RangeError);
  });
});

describe('ReentrantMutex', () => {
  it('excludes across workers while each worker re-enters (lock twice, unlock twice)', async () => {
    const { count, maxDepth } = await runCounter('reentrant');
    expect(count).toBe(WORKERS * ITERATIONS);
    expect(maxDepth).toBe(2);
  });

  it('recursion: the owner re-locks without blocking; it is free only after as many unlocks', () => {
    const m = ReentrantMutex.create(); // owner = threadId + 1 (1 on a main thread)
    const other = ReentrantMutex.from(m.handle(), 99);
    expect(m.ownerId).toBe(currentOwnerId());
    expect(m.lock(100)).toBe(true);
    expect(m.lock(100)).toBe(true);
    expect(m.tryLock()).toBe(true);
    expect(m.depth()).toBe(3);
    m.unlock();
    m.unlock();
    expect(other.tryLock()).toBe(false);
    m.unlock();
    expect(m.depth()).toBe(0);
    expect(other.tryLock()).toBe(true);
    other.unlock();
  });

  it('unlock by a non-owner throws, in the same thread (explicit ids) and from a worker', async () => {
    const m = ReentrantMutex.create();
    const intruder = ReentrantMutex.from(m.handle(), 42);
    expect(() => m.unlock()).toThrow(/not locked/);
    m.lock();
    const ownedByMe = new RegExp(`owned by ${m.ownerId}`);
    expect(() => intruder.unlock()).toThrow(ownedByMe);
    expect(m.isOwned()).toBe(true);

    const w = spawn('reentrant-probe.mjs', { lock: m.handle(), timeoutMs: 100 });
    const r = await result<{ ownerId: number; tryLock: boolean; lock: boolean; waitedMs: number; unlockError: string | null }>(w);
    expect(r.ownerId).not.toBe(m.ownerId); // a worker's own threadId + 1
    expect(r.tryLock).toBe(false);
    expect(r.lock).toBe(false);
    expect(r.unlockError).toMatch(ownedByMe);
    expect(m.depth()).toBe(1); // the failed unlock changed nothing
    m.unlock();
  });
});
