import { afterEach, describe, expect, it } from 'vitest';
import { BlockingQueue } from '../../dist/src/sync/index.js';
import { result, sleep, spawn, terminateAll, until } from './workers.js';

afterEach(terminateAll);

describe('BlockingQueue', () => {
  it('moves every message exactly once from 3 producers to 3 consumers', async () => {
    const PRODUCERS = 3;
    const CONSUMERS = 3;
    const PER_PRODUCER = 3000;
    const q = BlockingQueue.create(8, 40);
    const seen = new SharedArrayBuffer(4 * PRODUCERS * PER_PRODUCER);
    const consumers = Array.from({ length: CONSUMERS }, () =>
      spawn('queue-consumer.mjs', { queue: q.handle(), seen, perProducer: PER_PRODUCER }),
    );
    const producers = Array.from({ length: PRODUCERS }, (_, id) =>
      spawn('queue-producer.mjs', { queue: q.handle(), id, count: PER_PRODUCER }),
    );
    const produced = await Promise.all(producers.map((w) => result<{ blockedPuts: number }>(w, 50_000)));
    q.close();
    const consumed = await Promise.all(consumers.map((w) => result<{ taken: number; corrupt: number }>(w, 50_000)));

    expect(consumed.reduce((s, c) => s + c.taken, 0)).toBe(PRODUCERS * PER_PRODUCER);
    expect(consumed.every((c) => c.corrupt === 0)).toBe(true);
    const counts = new Int32Array(seen);
    expect(counts.every((n) => n === 1)).toBe(true);
    // 8 slots against 3 producers: they must have run into a full queue.
    expect(produced.reduce((s, p) => s + p.blockedPuts, 0)).toBeGreaterThan(0);
    expect(q.size()).toBe(0);
  });

  it('applies backpressure: put blocks while full and drops nothing', async () => {
    const q = BlockingQueue.create(3, 4);
    for (let i = 0; i < 3; i++) expect(q.put(Uint8Array.of(i), 0)).toBe(true);
    const t0 = performance.now();
    expect(q.put(Uint8Array.of(99), 100)).toBe(false); // full: times out, adds nothing
    expect(performance.now() - t0).toBeGreaterThanOrEqual(99);
    expect(q.size()).toBe(3);

    const flags = new SharedArrayBuffer(8); // [started, finished (1 ok / 2 timeout)]
    const f = new Int32Array(flags);
    const w = spawn('queue-put.mjs', { queue: q.handle(), flags, value: 3, timeoutMs: 20_000 });
    await until(() => Atomics.load(f, 0) === 1, 20_000, 'producer start');
    await sleep(300);
    expect(Atomics.load(f, 1)).toBe(0); // still blocked in put()
    expect(q.size()).toBe(3);

    expect(Array.from(q.take(1000)!)).toEqual([0]); // makes room
    const r = await result<{ ok: boolean; waitedMs: number }>(w);
    expect(r.ok).toBe(true);
    expect(r.waitedMs).toBeGreaterThanOrEqual(250);
    expect(q.size()).toBe(3);
    const rest = [q.take(0), q.take(0), q.take(0)].map((m) => Array.from(m!));
    expect(rest).toEqual([[1], [2], [3]]); // FIFO, nothing lost
    expect(q.take(0)).toBeNull();
  });

  it('close() releases consumers blocked on an empty queue, after they drain it', async () => {
    const q = BlockingQueue.create(4, 8);
    const stats = new SharedArrayBuffer(4);
    const s = new Int32Array(stats);
    const takers = Array.from({ length: 3 }, () =>
      spawn('queue-take.mjs', { queue: q.handle(), stats, timeoutMs: 20_000 }),
    );
    await until(() => Atomics.load(s, 0) === 3, 20_000, 'takers');
    await sleep(100);
    q.put(Uint8Array.of(7), 1000); // exactly one taker gets this
    await sleep(100);
    const t0 = Date.now();
    q.close();
    const results = await Promise.all(takers.map((w) => result<{ got: number[] | null; waitedMs: number }>(w)));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(results.filter((r) => r.got !== null)).toEqual([expect.objectContaining({ got: [7] })]);
    expect(results.filter((r) => r.got === null)).toHaveLength(2);
    expect(q.isClosed()).toBe(true);
    expect(q.take()).toBeNull(); // no timeout given, but closed and empty: returns at once
    expect(() => q.put(Uint8Array.of(1))).toThrow(/closed/);
  });

  it('refuses messages longer than slotBytes', () => {
    const q = BlockingQueue.create(2, 5);
    expect(() => q.put(new Uint8Array(6))).toThrow(RangeError);
    expect(q.put(new Uint8Array(5), 0)).toBe(true);
    expect(q.put(new Uint8Array(0), 0)).toBe(true);
    expect(q.take(0)!.length).toBe(5);
    expect(q.take(0)!.length).toBe(0);
  });
});
