import { afterEach, describe, expect, it } from 'vitest';
import { Barrier, RingBuffer } from '../../dist/src/sync/index.js';
import { result, spawn, terminateAll } from './workers.js';

afterEach(terminateAll);

const bytes = (...xs: number[]) => Uint8Array.from(xs);
const seq = (n: number, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 255);

describe('RingBuffer', () => {
  it('delivers many variable-size messages in order, exactly once, across two workers', async () => {
    // A small ring (256 bytes) against messages of 0..200 bytes: the ring is
    // full and empty all the time and wraps every few messages.
    const COUNT = 20_000;
    const ring = RingBuffer.create(256);
    const job = { ring: ring.handle(), count: COUNT, seed: 12345, maxLen: 200 };
    const consumer = spawn('ring-consumer.mjs', job);
    const producer = spawn('ring-producer.mjs', job);
    const [p, c] = await Promise.all([
      result<{ sum: number; blocked: number }>(producer, 50_000),
      result<{ sum: number; errors: number; firstError: unknown; leftover: number }>(consumer, 50_000),
    ]);
    expect(c.firstError).toBeNull();
    expect(c.errors).toBe(0);
    expect(c.sum).toBe(p.sum);
    expect(c.leftover).toBe(0);
    expect(p.blocked).toBeGreaterThan(0); // the producer really hit a full ring
  });

  it('streams 64-byte messages allocation-free between two workers (logs messages/s)', async () => {
    // A throughput probe, not a speed assertion: the machine is shared.
    const COUNT = 300_000;
    const ring = RingBuffer.create(64 * 1024);
    const gate = Barrier.create(2).handle();
    const job = { ring: ring.handle(), gate, count: COUNT, size: 64 };
    const consumer = spawn('ring-bench.mjs', { ...job, role: 'consumer' });
    const producer = spawn('ring-bench.mjs', { ...job, role: 'producer' });
    const [, c] = await Promise.all([
      result<{ ms: number }>(producer, 50_000),
      result<{ ms: number; check: number }>(consumer, 50_000),
    ]);
    expect(c.check).toBe(0); // every message arrived, in order
    console.log(`RingBuffer: ${Math.round(COUNT / (c.ms / 1000)).toLocaleString('en')} msg/s (64 B)`);
  });

  it('reports empty and full: tryRead null, tryWrite false, readInto -1', () => {
    const ring = RingBuffer.create(32); // 32 data bytes: four 4-byte messages (4 + 4 each)
    const target = new Uint8Array(ring.maxMessageBytes);
    expect(ring.tryRead()).toBeNull();
    expect(ring.readInto(target)).toBe(-1);
    expect(ring.usedBytes()).toBe(0);
    for (let i = 0; i < 4; i++) expect(ring.tryWrite(bytes(i, i, i, i))).toBe(true);
    expect(ring.usedBytes()).toBe(32);
    expect(ring.tryWrite(bytes())).toBe(false); // even an empty message needs its 4-byte header
    expect(ring.write(bytes(9), 20)).toBe(false);
    expect(Array.from(ring.tryRead()!)).toEqual([0, 0, 0, 0]);
    expect(ring.tryWrite(bytes(4, 4, 4, 4))).toBe(true);
    for (let i = 1; i <= 4; i++) {
      expect(ring.readInto(target)).toBe(4);
      expect(Array.from(target.subarray(0, 4))).toEqual([i, i, i, i]);
    }
    expect(ring.tryRead()).toBeNull();
  });

  it('wraps records around the end, split payloads included', () => {
    const ring = RingBuffer.create(64);
    const target = new Uint8Array(ring.maxMessageBytes);
    // Walk the write position through every 4-byte offset, with lengths that
    // force headers at the very end, payloads split at every point, padding.
    let n = 0;
    for (let round = 0; round < 200; round++) {
      const len = (round * 7) % 45;
      const msg = seq(len, round);
      expect(ring.tryWrite(msg)).toBe(true);
      if (round % 3 === 0) {
        // keep a second message in flight so head != 0 when wrapping
        expect(ring.tryWrite(seq(3, 100 + round))).toBe(true);
        expect(Array.from(ring.tryRead()!)).toEqual(Array.from(msg));
        expect(Array.from(ring.tryRead()!)).toEqual(Array.from(seq(3, 100 + round)));
      } else {
        expect(ring.readInto(target)).toBe(len);
        expect(Array.from(target.subarray(0, len))).toEqual(Array.from(msg));
      }
      n++;
    }
    expect(n).toBe(200);
    expect(ring.usedBytes()).toBe(0);
  });

  it('copies correctly through reused arrays (word copies) and unaligned ones (byte copies)', () => {
    const ring = RingBuffer.create(256);
    const aligned = new Uint8Array(ring.maxMessageBytes);
    const unaligned = new Uint8Array(new ArrayBuffer(ring.maxMessageBytes + 1), 1);
    for (const len of [0, 1, 3, 4, 5, 13, 64, 67, 150]) {
      const msg = seq(len, len);
      const unalignedMsg = new Uint8Array(new ArrayBuffer(len + 3), 3);
      unalignedMsg.set(msg);
      for (let rep = 0; rep < 3; rep++) {
        for (const [src, dst] of [
          [msg, aligned],
          [unalignedMsg, unaligned],
          [msg, unaligned],
          [unalignedMsg, aligned],
        ] as const) {
          aligned.fill(0xee);
          unaligned.fill(0xee);
          expect(ring.tryWrite(src)).toBe(true);
          expect(ring.readInto(dst)).toBe(len);
          expect(Array.from(dst.subarray(0, len))).toEqual(Array.from(msg));
          expect(dst[len]).toBe(0xee); // nothing written past the message
        }
      }
    }
  });

  it('takes a message of exactly maxMessageBytes and refuses a larger one with RangeError', () => {
    const ring = RingBuffer.create(64);
    expect(ring.maxMessageBytes).toBe(60);
    expect(() => ring.tryWrite(new Uint8Array(61))).toThrow(RangeError);
    expect(() => ring.write(new Uint8Array(1000), 10)).toThrow(RangeError);
    // Offset the ring so the largest message wraps.
    ring.tryWrite(seq(10));
    ring.tryRead();
    expect(ring.tryWrite(seq(60, 1))).toBe(true);
    expect(ring.usedBytes()).toBe(64);
    expect(() => ring.readInto(new Uint8Array(59))).toThrow(RangeError); // target too small: message stays
    expect(Array.from(ring.read(100)!)).toEqual(Array.from(seq(60, 1)));
  });

  it('validates capacity and attaches through a cloned handle', () => {
    expect(() => RingBuffer.create(30)).toThrow(RangeError);
    expect(() => RingBuffer.create(4)).toThrow(RangeError);
    const buffer = new SharedArrayBuffer(16 + RingBuffer.bytes(64));
    const a = new RingBuffer(buffer, 16, 64);
    const b = RingBuffer.from(structuredClone(a.handle()));
    expect(a.tryWrite(bytes(1, 2, 3))).toBe(true);
    expect(Array.from(b.tryRead()!)).toEqual([1, 2, 3]);
  });
});
