import { afterEach, describe, expect, it } from 'vitest';
import { SharedQueue } from '../../dist/src/sync/index.js';
import { result, spawn, terminateAll } from './workers.js';

afterEach(terminateAll);

const drain = (q: SharedQueue) => {
  const out: number[] = [];
  for (let v = q.get(0); v !== null; v = q.get(0)) out.push(v);
  return out;
};

describe('SharedQueue', () => {
  it('fifo: first in, first out, across wrap-around', () => {
    const q = SharedQueue.create('fifo', 4);
    for (const v of [1, 2, 3]) q.put(v, 0);
    expect(q.get(0)).toBe(1);
    expect(q.get(0)).toBe(2);
    for (const v of [4, 5, 6]) expect(q.put(v, 0)).toBe(true);
    expect(q.put(7, 0)).toBe(false); // full
    expect(q.size()).toBe(4);
    expect(drain(q)).toEqual([3, 4, 5, 6]);
  });

  it('lifo: last in, first out', () => {
    const q = SharedQueue.create('lifo', 8);
    for (const v of [1, 2, 3, 4.5, -1]) q.put(v, 0);
    expect(q.get(0)).toBe(-1);
    q.put(10, 0);
    expect(drain(q)).toEqual([10, 4.5, 3, 2, 1]);
  });

  it('priority: lowest priority number first, ties in insertion order', () => {
    const q = SharedQueue.create('priority', 64);
    const items = [
      { value: 1, priority: 5 },
      { value: 2, priority: 1 },
      { value: 3, priority: 5 },
      { value: 4, priority: -2 },
      { value: 5, priority: 1 },
      { value: 6, priority: 5 },
      { value: 7, priority: 0.5 },
    ];
    for (const it of items) expect(q.put(it, 0)).toBe(true);
    q.put(8, 0); // a bare number has priority 0
    expect(q.getItem(0)).toEqual({ value: 4, priority: -2 });
    expect(drain(q)).toEqual([8, 7, 2, 5, 1, 3, 6]);
  });

  it('priority: a large shuffled load comes out sorted and stable', () => {
    const q = SharedQueue.create('priority', 500);
    const input = Array.from({ length: 500 }, (_, i) => ({ value: i, priority: (i * 7919) % 13 }));
    for (const it of input) q.put(it, 0);
    const expected = [...input].sort((a, b) => a.priority - b.priority || a.value - b.value).map((x) => x.value);
    expect(drain(q)).toEqual(expected);
  });

  it('works across workers: a producer blocks on a full queue until the consumer catches up', async () => {
    const q = SharedQueue.create('fifo', 4);
    const consumer = spawn('shared-queue-get.mjs', { queue: q.handle(), n: 200, timeoutMs: 20_000 });
    const producer = spawn('shared-queue-put.mjs', { queue: q.handle(), from: 0, to: 200 });
    await result(producer, 50_000);
    const r = await result<{ items: { value: number }[] }>(consumer, 50_000);
    expect(r.items.map((x) => x.value)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('priority order holds when a worker is the consumer', async () => {
    const q = SharedQueue.create('priority', 16);
    for (const [value, priority] of [[1, 3], [2, 1], [3, 2], [4, 1]] as const) q.put({ value, priority }, 0);
    const consumer = spawn('shared-queue-get.mjs', { queue: q.handle(), n: 4, timeoutMs: 5000 });
    const r = await result<{ items: { value: number; priority: number }[] }>(consumer);
    expect(r.items).toEqual([
      { value: 2, priority: 1 },
      { value: 4, priority: 1 },
      { value: 3, priority: 2 },
      { value: 1, priority: 3 },
    ]);
  });

  it('needs an 8-aligned offset and a known kind', () => {
    const buffer = new SharedArrayBuffer(4 + SharedQueue.bytes('fifo', 2));
    expect(() => new SharedQueue(buffer, 4, 'fifo', 2)).toThrow(RangeError);
    expect(() => SharedQueue.create('stack' as 'lifo', 2)).toThrow(RangeError);
    expect(() => q().put({ value: 1, priority: NaN })).toThrow(RangeError);
    function q() {
      return SharedQueue.create('priority', 1);
    }
  });
});
