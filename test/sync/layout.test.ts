// The common shape: many primitives carved out of one zeroed buffer, each
// valid as found, and every handle survives a trip through structured clone
// (what postMessage does).
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  BlockingQueue,
  Condition,
  Event,
  Mutex,
  ReentrantMutex,
  RingBuffer,
  Semaphore,
  SharedQueue,
} from '../../dist/src/sync/index.js';

describe('layout', () => {
  it('carves every primitive from one zeroed buffer and rebuilds it from a cloned handle', () => {
    let off = 0;
    const take = (n: number, align = 4) => {
      off = Math.ceil(off / align) * align;
      const at = off;
      off += n;
      return at;
    };
    const at = {
      mutex: take(Mutex.BYTES),
      rmutex: take(ReentrantMutex.BYTES),
      sem: take(Semaphore.BYTES),
      cond: take(Condition.BYTES),
      event: take(Event.BYTES),
      barrier: take(Barrier.BYTES),
      ring: take(RingBuffer.bytes(64)),
      bq: take(BlockingQueue.bytes(4, 16)),
      sq: take(SharedQueue.bytes('priority', 8), 8),
    };
    const buffer = new SharedArrayBuffer(off);
    const clone = <H>(h: H): H => structuredClone(h);

    const m = Mutex.from(clone(new Mutex(buffer, at.mutex).handle()));
    expect(m.tryLock()).toBe(true);
    const r = ReentrantMutex.from(clone(new ReentrantMutex(buffer, at.rmutex).handle()));
    expect(r.tryLock()).toBe(true);
    expect(Semaphore.from(clone(new Semaphore(buffer, at.sem).handle())).tryAcquire()).toBe(false);
    expect(Condition.from(clone(new Condition(buffer, at.cond).handle())).waiters()).toBe(0);
    expect(Event.from(clone(new Event(buffer, at.event).handle())).isSet()).toBe(false);
    expect(Barrier.from(clone(new Barrier(buffer, at.barrier, 1).handle())).wait(0).ok).toBe(true);
    const ring = RingBuffer.from(clone(new RingBuffer(buffer, at.ring, 64).handle()));
    expect(ring.tryRead()).toBeNull();
    expect(ring.tryWrite(Uint8Array.of(1))).toBe(true);
    const bq = BlockingQueue.from(clone(new BlockingQueue(buffer, at.bq, 4, 16).handle()));
    expect(bq.put(Uint8Array.of(1), 0)).toBe(true);
    const sq = SharedQueue.from(clone(new SharedQueue(buffer, at.sq, 'priority', 8).handle()));
    expect(sq.put({ value: 1, priority: 1 }, 0)).toBe(true);
    // Nobody stepped on anybody's bytes.
    expect(m.isLocked()).toBe(true);
    expect(r.depth()).toBe(1);
    expect(Array.from(ring.tryRead()!)).toEqual([1]);
    expect(Array.from(bq.take(0)!)).toEqual([1]);
    expect(sq.get(0)).toBe(1);
  });
});
