import { describe, expect, it } from 'vitest';
import { createRng, hash32 } from '../../src/core/rng.js';

describe('seeded rng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });
  it('keeps int() inside its inclusive bounds and reaches both ends', () => {
    const r = createRng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(3, 6);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(6);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
  it('derives stable, distinct seeds per label', () => {
    expect(createRng(1).derive('p0')).toBe(createRng(1).derive('p0'));
    expect(createRng(1).derive('p0')).not.toBe(createRng(1).derive('p1'));
    // FNV-1a of "a" is 0xe40c292c (published test vector).
    expect(hash32('a')).toBe(0xe40c292c);
  });
});
