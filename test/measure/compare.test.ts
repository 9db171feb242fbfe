import { describe, expect, it } from 'vitest';
import { compareSamples, directionOf, geomeanOfRatios, minAttainableP, percentChange, tooFewSamples } from '../../src/measure/compare.js';

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
/** 10, 11, ..., 19: median 14.5. */
const TEN = range(10, (i) => 10 + i);

describe('minAttainableP and tooFewSamples', () => {
  it('gives 2 / C(na + nb, na), the p of two samples that do not overlap', () => {
    expect(minAttainableP(3, 3)).toBeCloseTo(2 / 20, 12);
    expect(minAttainableP(4, 4)).toBeCloseTo(2 / 70, 12);
    expect(minAttainableP(5, 5)).toBeCloseTo(2 / 252, 12);
    expect(minAttainableP(2, 10)).toBeCloseTo(2 / 66, 12);
    expect(minAttainableP(0, 5)).toBe(1);
  });

  it('flags fewer than 4 samples a side, whatever the other side has', () => {
    expect(tooFewSamples(3, 3, 0.05)).toBe(true);
    expect(tooFewSamples(3, 50, 0.05)).toBe(true);
    expect(tooFewSamples(4, 4, 0.05)).toBe(false);
    expect(tooFewSamples(10, 10, 0.05)).toBe(false);
  });

  it('flags samples too small for a stricter alpha: 4 a side cannot reach 0.01', () => {
    expect(tooFewSamples(4, 4, 0.01)).toBe(true);
    expect(tooFewSamples(5, 5, 0.01)).toBe(false);
  });
});

describe('directionOf and percentChange', () => {
  it('judges a move by the metric: up is worse for lower-is-better, better for higher-is-better', () => {
    expect(directionOf(10, 20, 'lower')).toBe('worse');
    expect(directionOf(10, 5, 'lower')).toBe('better');
    expect(directionOf(10, 20, 'higher')).toBe('better');
    expect(directionOf(10, 5, 'higher')).toBe('worse');
    expect(directionOf(10, 10, 'lower')).toBe('none');
  });

  it('is a percentage of the base median, undefined from a zero base', () => {
    expect(percentChange(10, 20)).toBe(100);
    expect(percentChange(10, 5)).toBe(-50);
    expect(percentChange(0, 0)).toBe(0);
    expect(percentChange(0, 3)).toBeNull();
  });
});

describe('compareSamples', () => {
  it('identical sample sets: p = 1, not significant, unchanged', () => {
    const c = compareSamples(TEN, [...TEN], 'lower');
    expect(c.p).toBe(1);
    expect(c.significant).toBe(false);
    expect(c.verdict).toBe('unchanged');
    expect(c.change).toBe(0);
    expect(c.regression).toBe(false);
  });

  it('a set made twice as slow (n = 10 each) is a significant regression of +100%', () => {
    const c = compareSamples(TEN, TEN.map((x) => 2 * x), 'lower');
    // No overlap: U = 0; normal approximation z = (50 - 0.5) / sqrt(100 * 21 / 12) = 3.742, p = 1.83e-4.
    expect(c.method).toBe('asymptotic');
    expect(c.p).toBeCloseTo(1.83e-4, 5);
    expect(c.significant).toBe(true);
    expect(c.change).toBeCloseTo(100, 10);
    expect(c.medians).toEqual([14.5, 29]);
    expect(c.verdict).toBe('worse');
    expect(c.regression).toBe(true);
  });

  it('the same doubling of a higher-is-better metric is an improvement, not a regression', () => {
    const c = compareSamples(TEN, TEN.map((x) => 2 * x), 'higher');
    expect(c.significant).toBe(true);
    expect(c.verdict).toBe('better');
    expect(c.regression).toBe(false);
    const down = compareSamples(TEN, TEN.map((x) => x / 2), 'higher');
    expect(down.verdict).toBe('worse');
    expect(down.regression).toBe(true);
  });

  it('3 samples a side are flagged too few even for a 100x shift, and never significant', () => {
    const c = compareSamples([1, 2, 3], [100, 200, 300], 'lower');
    expect(c.tooFew).toBe(true);
    expect(c.p).toBeCloseTo(0.1, 12); // exact: 2 / C(6, 3)
    expect(c.significant).toBe(false);
    expect(c.verdict).toBe('too-few');
    expect(c.regression).toBe(false);
  });

  it('overlapping noise is not significant (p > alpha gives ~)', () => {
    const a = [10, 12, 11, 13, 9, 10.5, 12.5, 11.5];
    const b = [11, 10, 12, 13.5, 9.5, 11.2, 10.8, 12.2];
    const c = compareSamples(a, b, 'lower');
    expect(c.p).toBeGreaterThan(0.05);
    expect(c.significant).toBe(false);
    expect(c.verdict).toBe('unchanged');
  });

  it('alpha decides: the same p is significant at 0.05 and not at 0.01', () => {
    // 5 a side, one swap from no overlap: U = 1 of 25, exact p = 2 * 2 / 252 = 0.0159.
    const a = [1, 2, 3, 4, 6];
    const b = [5, 7, 8, 9, 10];
    expect(compareSamples(a, b, 'lower', { alpha: 0.05, thresholdPct: 0 }).significant).toBe(true);
    expect(compareSamples(a, b, 'lower', { alpha: 0.01, thresholdPct: 0 }).significant).toBe(false);
  });

  it('the threshold filters small significant changes', () => {
    const base = range(10, (i) => 100 + i * 0.1);
    const slower = base.map((x) => x * 1.03); // +3%, no overlap
    const at5 = compareSamples(base, slower, 'lower', { alpha: 0.05, thresholdPct: 5 });
    expect(at5.significant).toBe(true);
    expect(at5.change).toBeCloseTo(3, 8);
    expect(at5.verdict).toBe('below-threshold');
    expect(at5.regression).toBe(false);
    const at2 = compareSamples(base, slower, 'lower', { alpha: 0.05, thresholdPct: 2 });
    expect(at2.verdict).toBe('worse');
    expect(at2.regression).toBe(true);
  });

  it('an empty side has no p and is too few', () => {
    const c = compareSamples([], TEN, 'lower');
    expect(Number.isNaN(c.p)).toBe(true);
    expect(c.verdict).toBe('too-few');
  });
});

describe('geomeanOfRatios', () => {
  it('is the geometric mean of the ratios when the metrics agree on better', () => {
    const g = geomeanOfRatios([
      { ratio: 2, better: 'lower' },
      { ratio: 0.5, better: 'lower' },
      { ratio: 4, better: 'lower' },
    ]);
    expect(g.ratio).toBeCloseTo(Math.cbrt(4), 12);
    expect(g.oriented).toBe(false);
    expect(g.better).toBe('lower');
  });

  it('inverts higher-is-better ratios when a lab mixes both, so a slowdown does not cancel out', () => {
    // Time doubled (2) and throughput halved (0.5): both twice as bad.
    const g = geomeanOfRatios([
      { ratio: 2, better: 'lower' },
      { ratio: 0.5, better: 'higher' },
    ]);
    expect(g.oriented).toBe(true);
    expect(g.ratio).toBeCloseTo(2, 12);
    expect(g.better).toBe('lower');
  });

  it('leaves out ratios that are not finite and positive', () => {
    const g = geomeanOfRatios([
      { ratio: 0, better: 'lower' },
      { ratio: Infinity, better: 'lower' },
      { ratio: 3, better: 'lower' },
    ]);
    expect(g.ratio).toBeCloseTo(3, 12);
    expect(g.n).toBe(1);
    expect(geomeanOfRatios([]).ratio).toBeNull();
  });
});
