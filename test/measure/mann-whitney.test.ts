import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { erfc, mannWhitneyU } from '../../src/measure/mann-whitney.js';

interface FixtureCase {
  a: number[];
  b: number[];
  method: 'exact' | 'asymptotic';
  u: number;
  p: number;
}

// Reference values computed independently of this code; the fixture's
// "description" field defines U and both methods exactly as mannWhitneyU does.
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/mann-whitney.json', import.meta.url), 'utf8'),
) as { description: string; cases: FixtureCase[] };

describe('mannWhitneyU against the reference fixture', () => {
  it('has cases of both methods (so neither path goes untested)', () => {
    const methods = new Set(fixture.cases.map((c) => c.method));
    expect(methods).toEqual(new Set(['exact', 'asymptotic']));
  });

  fixture.cases.forEach((c, i) => {
    const tol = c.method === 'exact' ? 1e-6 : 1e-4;
    it(`case ${i}: ${c.method}, na = ${c.a.length}, nb = ${c.b.length}`, () => {
      const r = mannWhitneyU(c.a, c.b);
      expect(r.method).toBe(c.method);
      expect(r.na).toBe(c.a.length);
      expect(r.nb).toBe(c.b.length);
      expect(Math.abs(r.u - c.u)).toBeLessThanOrEqual(tol);
      expect(Math.abs(r.p - c.p)).toBeLessThanOrEqual(tol);
    });
  });
});

describe('mannWhitneyU by hand', () => {
  it('exact: a = [3], b = [1, 2]', () => {
    // U = 2 (3 > 1, 3 > 2). The 3 equally likely positions of a's value among the
    // pooled ranks give U = 0, 1, 2 once each; P(U >= 2) = 1/3, P(U <= 2) = 1,
    // p = 2 * 1/3 = 2/3.
    const r = mannWhitneyU([3], [1, 2]);
    expect(r).toMatchObject({ u: 2, method: 'exact', na: 1, nb: 2 });
    expect(r.p).toBeCloseTo(2 / 3, 12);
  });

  it('exact: complete separation of 3 against 3, both ways round', () => {
    // U = 0: only 1 of the C(6, 3) = 20 orderings puts all of a below b,
    // so P(U <= 0) = 1/20 and p = 2/20 = 0.1. Swapped, U = 9 with P(U >= 9) = 1/20.
    const low = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(low.u).toBe(0);
    expect(low.p).toBeCloseTo(0.1, 12);
    const high = mannWhitneyU([4, 5, 6], [1, 2, 3]);
    expect(high.u).toBe(9);
    expect(high.p).toBeCloseTo(0.1, 12);
  });

  it('exact: p is capped at 1 at the centre of the distribution', () => {
    // a = [2], b = [1, 3]: U = 1, the middle of 0, 1, 2; P(U <= 1) = P(U >= 1) = 2/3,
    // 2 * 2/3 > 1, so p = 1.
    expect(mannWhitneyU([2], [1, 3]).p).toBe(1);
  });

  it('asymptotic with ties: a = [1, 2, 2], b = [2, 3]', () => {
    // Pairs: 1 beats nothing; each 2 ties the 2 in b (1/2) and loses to 3: U = 1.
    // Ties, so asymptotic. n = 5, mean 3 * 2 / 2 = 3; one tie group of three 2s:
    // Σ(t³ - t) = 24; variance = 6/12 * (6 - 24 / (5 * 4)) = 0.5 * 4.8 = 2.4.
    // z = (|1 - 3| - 0.5) / sqrt(2.4) = 0.968246; p = 2 (1 - Φ(z)) = 0.3329216
    // (scipy.stats.mannwhitneyu gives 0.3329216080655659).
    const r = mannWhitneyU([1, 2, 2], [2, 3]);
    expect(r).toMatchObject({ u: 1, method: 'asymptotic' });
    expect(r.p).toBeCloseTo(0.3329216080655659, 9);
  });

  it('asymptotic when a sample has more than 8 values, even without ties', () => {
    expect(mannWhitneyU(range(9), [10, 11]).method).toBe('asymptotic');
    expect(mannWhitneyU(range(8), [10, 11]).method).toBe('exact');
  });

  it('is symmetric: U(a, b) + U(b, a) = na nb, same p', () => {
    const a = [1.5, 3.2, 8.1, 4.4, 9.9, 2.0, 7.7];
    const b = [2.2, 6.1, 5.5, 10.3, 11.0];
    const ab = mannWhitneyU(a, b);
    const ba = mannWhitneyU(b, a);
    expect(ab.u + ba.u).toBe(35);
    expect(ab.p).toBeCloseTo(ba.p, 12);
  });

  it('gives p = 1 when all values are identical', () => {
    // Every one of the 2 * 3 pairs ties: U = 6 * 1/2 = 3, the variance is 0.
    expect(mannWhitneyU([5, 5], [5, 5, 5])).toMatchObject({ u: 3, p: 1, method: 'asymptotic' });
  });

  it('gives p = NaN when a sample is empty', () => {
    const r = mannWhitneyU([], [1, 2, 3]);
    expect(r.u).toBe(0);
    expect(r.p).toBeNaN();
    expect(r.na).toBe(0);
    expect(mannWhitneyU([1, 2], []).p).toBeNaN();
  });
});

describe('erfc', () => {
  // Reference values from C's libm erfc (Python's math.erfc); the leading digits
  // agree with the tables of Abramowitz & Stegun 7.1.
  it.each([
    [0, 1],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047265],
    [3, 2.2090496998585438e-5],
    [6, 2.1519736712498916e-17],
    [-1, 1.842700792949715],
  ])('erfc(%s) = %s', (x, expected) => {
    // Relative: the far tail must keep its digits, not round to 0.
    expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1e-13);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
