/**
 * Lab 5's pure pieces, without workers: payloads and checksums, the ledger a
 * transport's checks read, the backpressure floor, the ring's verdict, what
 * the shared queues must return.
 */
import { describe, expect, it } from 'vitest';
import type { Flow } from '../../labs/05-communication/flows.js';
import { Ledger, QueueLoad, Totals, pacedMs } from '../../labs/05-communication/ledger.js';
import { countTaken, expectedOrder } from '../../labs/05-communication/orders.js';
import { Payload, checksum, mix32, seqOf } from '../../labs/05-communication/payload.js';
import { RING_MIN, bestRatio, describeTries, judgeRing } from '../../labs/05-communication/ring-verdict.js';

describe('communication: payloads (pure)', () => {
  it('checksums a stamped message to exactly what the receiver expects', () => {
    for (const size of [16, 64, 67, 4096]) {
      const p = new Payload(size, 42);
      for (const seq of [0, 1, 2, 1000, 2 ** 31 + 5]) {
        const m = p.fresh(seq);
        expect(seqOf(m)).toBe(seq >>> 0);
        expect(checksum(m, m.length)).toBe(p.expected(seq));
      }
      expect(p.total(3)).toBe(p.expected(0) + p.expected(1) + p.expected(2));
    }
  });

  it('notices one flipped byte, a wrong sequence number and a different seed', () => {
    const p = new Payload(67, 7); // 67: three tail bytes beyond the last word
    for (const at of [0, 5, 9, 40, 64, 66]) {
      const m = p.fresh(3);
      m[at] = m[at]! ^ 0x10;
      expect(checksum(m, m.length), `byte ${at}`).not.toBe(p.expected(3));
    }
    expect(checksum(p.fresh(3), 67)).not.toBe(p.expected(4));
    expect(new Payload(67, 8).expected(3)).not.toBe(p.expected(3));
  });

  it('reads unaligned views the same as aligned ones', () => {
    const p = new Payload(64, 1);
    const shifted = new Uint8Array(65);
    shifted.set(p.fresh(9), 1);
    const view = shifted.subarray(1);
    expect(seqOf(view)).toBe(9);
    expect(checksum(view, 64)).toBe(p.expected(9));
    expect(mix32(0)).toBe(0);
    expect(mix32(1)).not.toBe(mix32(2));
  });
});

const flow = (over: Partial<Flow> = {}): Flow => ({
  messages: 100,
  seconds: 0.01,
  rate: 10_000,
  received: 100,
  badOrder: 0,
  duplicates: 0,
  missing: 0,
  badChecksum: 0,
  checksum: 0,
  fullPuts: 0,
  blockedMs: 0,
  maxDepth: 0,
  putMs: 1,
  ...over,
});

describe('communication: the ledger behind "messages arrive exactly once, in order, intact"', () => {
  const p = new Payload(64, 42);
  const totals = new Totals(p);

  it('remembers checksum totals and agrees with the payload', () => {
    expect(totals.of(100)).toBe(p.total(100));
    expect(totals.of(100)).toBe(totals.of(100));
    expect(totals.of(3)).toBe(p.expected(0) + p.expected(1) + p.expected(2));
  });

  it('passes clean runs and round trips', () => {
    const l = new Ledger();
    l.add(flow({ checksum: totals.of(100) }), totals.of(100));
    l.addRoundTrips({ rttUs: [10, 12], badEcho: 0 });
    expect(l.ok).toBe(true);
    expect(l.detail()).toBe(
      '1 runs, 100 of 100 messages received: 0 out of order, 0 duplicated, 0 missing, 0 bad checksums, 0 runs with a wrong checksum total; 2 round trips, 0 bad echoes',
    );
  });

  it.each<[string, Partial<Flow>, number]>([
    ['a message short', { received: 99 }, 0],
    ['one out of order', { badOrder: 1 }, 0],
    ['one duplicated', { duplicates: 1, received: 101 }, 0],
    ['one missing', { missing: 1 }, 0],
    ['a bad checksum', { badChecksum: 1 }, 0],
    ['a wrong checksum total', {}, 1],
    ['a bad echo', {}, 0],
  ])('fails on %s', (what, over, off) => {
    const l = new Ledger();
    l.add(flow({ checksum: totals.of(100) + off, ...over }), totals.of(100));
    l.addRoundTrips({ rttUs: [10], badEcho: what === 'a bad echo' ? 1 : 0 });
    expect(l.ok).toBe(false);
  });

  it('adds up the queue load of a size, the deepest depth kept', () => {
    const q = new QueueLoad();
    q.add(flow({ fullPuts: 3, blockedMs: 1.5, maxDepth: 4 }));
    q.add(flow({ fullPuts: 2, blockedMs: 0.5, maxDepth: 2 }));
    expect(q.row('x', 4, 0)).toEqual({ run: 'x', slots: 4, work: 0, runs: 2, produced: 200, consumed: 200, fullPuts: 5, blockedMs: 2, maxDepth: 4 });
  });
});

describe('communication: the backpressure floor', () => {
  it('is the time some consumer must have worked before the last put can return', () => {
    // 4000 messages, 4 slots, 2 consumers: one took >= 1998 and worked on 1997 of them.
    expect(pacedMs(4000, 4, 2, 20)).toBeCloseTo(39.94, 10);
    expect(pacedMs(10, 4, 1, 1000)).toBe(5);
    expect(pacedMs(4, 4, 2, 20)).toBe(0);
  });
});

describe('communication: the ring verdict', () => {
  const t = (ring: number[], post: number[], others: number | null) => ({ ring, post, others });

  it('judges best run against best run', () => {
    expect(bestRatio(t([1e6, 3e6], [1e5, 2e5], 0))).toBe(15);
    expect(judgeRing(t([0.5e6, 1.05e6], [2e5, 1e5], 0))).toBe('pass'); // medians 3.75x, best 5.25x
    expect(judgeRing(t([0.95e6], [2e5], 0))).toBe('fail'); // 4.75x
  });

  it('excuses a miss only by others\' load, never when it is unknown', () => {
    expect(judgeRing(t([0.5e6], [2e5], 0.29))).toBe('fail');
    expect(judgeRing(t([0.5e6], [2e5], 0.3))).toBe('busy');
    expect(judgeRing(t([0.5e6], [2e5], null))).toBe('fail');
    expect(judgeRing(t([RING_MIN * 2e5], [2e5], 1.9))).toBe('pass');
  });

  it('says how many tries it took', () => {
    expect(describeTries([t([1], [1], 0)], 3)).toBe('try 1 of at most 3');
    expect(describeTries([t([5], [1], 0.5), t([12], [1], 0.1)], 3)).toBe('try 2 of at most 3 (try 1: 5x with others at 0.500 cores)');
    expect(describeTries([t([5], [1], null), t([12], [1], 0)], 3)).toMatch(/others at unknown/);
  });
});

describe('communication: what the shared queues must return', () => {
  const items = [3, 1, 2, 1].map((priority, i) => ({ value: i + 1, priority }));

  it('fifo as put, lifo reversed, priority lowest first with ties in put order', () => {
    expect(expectedOrder('fifo', items).map((x) => x.value)).toEqual([1, 2, 3, 4]);
    expect(expectedOrder('lifo', items).map((x) => x.value)).toEqual([4, 3, 2, 1]);
    expect(expectedOrder('priority', items).map((x) => x.value)).toEqual([2, 4, 3, 1]);
  });

  it('counts takes: duplicates, missing, and one producer\'s items out of order', () => {
    // per = 3: producer 0 puts 0, 1, 2; producer 1 puts 3, 4, 5.
    expect(countTaken([[0, 3, 1], [4, 2, 5]], 3)).toEqual({ taken: 6, duplicates: 0, missing: 0, inversions: 0 });
    expect(countTaken([[0, 1, 1], [3, 4, 5]], 3)).toEqual({ taken: 6, duplicates: 1, missing: 1, inversions: 1 });
    expect(countTaken([[1, 0], [3, 4, 5, 2]], 3)).toMatchObject({ duplicates: 0, missing: 0, inversions: 1 });
    expect(countTaken([[0, 1, 2, 3, 4, 99]], 3)).toMatchObject({ taken: 6, missing: 1 });
  });
});
