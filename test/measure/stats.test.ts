import { describe, expect, it } from 'vitest';
import {
  ciMedian,
  geomean,
  jainIndex,
  linearFit,
  mad,
  max,
  mean,
  median,
  min,
  outliers,
  quantile,
  ratioOfMedians,
  stddev,
  summarize,
} from '../../src/measure/stats.js';

/** 1, 2, ..., n */
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** A fixed shuffle of 1..10, so that functions must sort rather than trust the order. */
const ONE_TO_TEN = [7, 3, 10, 1, 5, 9, 2, 8, 6, 4];

describe('median', () => {
  it('is the middle value for odd n and the mean of the two middle ones for even n', () => {
    expect(median([3, 1, 2])).toBe(2); // sorted 1, 2, 3
    expect(median([4, 1, 3, 2])).toBe(2.5); // sorted 1, 2, 3, 4: (2 + 3) / 2
    expect(median([7])).toBe(7);
    expect(median(ONE_TO_TEN)).toBe(5.5); // (5 + 6) / 2
  });

  it('is NaN for an empty array', () => {
    expect(median([])).toBeNaN();
  });

  it('sorts numerically, not lexically', () => {
    // A lexical sort gives 1, 10, 2: median 10.
    expect(median([10, 2, 1])).toBe(2);
  });

  it('does not mutate its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('mean', () => {
  it('is the arithmetic mean', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5); // 10 / 4
    expect(mean([-3, 3, 6])).toBe(2); // 6 / 3
  });

  it('is NaN for an empty array', () => {
    expect(mean([])).toBeNaN();
  });
});

describe('stddev', () => {
  it('is the sample standard deviation (n - 1)', () => {
    // Mean 5; squared deviations 9, 1, 1, 1, 0, 0, 4, 16 sum to 32;
    // sample: sqrt(32 / 7) = 2.13808993529939 (population would be sqrt(32 / 8) = 2).
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('keeps its precision for large values close together (two-pass)', () => {
    // Same deviations as above, shifted by 1e9 (exact in doubles). The one-pass
    // formula (Σx² - n·mean²) / (n - 1) loses the answer to cancellation here.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9].map((x) => x + 1e9);
    expect(stddev(xs)).toBeCloseTo(Math.sqrt(32 / 7), 9);
  });

  it('is 0 for fewer than two values', () => {
    expect(stddev([42])).toBe(0);
    expect(stddev([])).toBe(0);
  });
});

describe('min and max', () => {
  it('find the extremes', () => {
    expect(min([3, -1, 2])).toBe(-1);
    expect(max([3, -1, 2])).toBe(3);
  });

  it('are NaN for an empty array', () => {
    expect(min([])).toBeNaN();
    expect(max([])).toBeNaN();
  });

  it('handle arrays too large to spread into Math.min', () => {
    const xs = range(300_000);
    expect(min(xs)).toBe(1);
    expect(max(xs)).toBe(300_000);
  });
});

describe('quantile (type 7)', () => {
  // Sorted 10, 20, 30, 40, 50: quantile q sits at 0-based position h = 4q.
  const xs = [30, 10, 50, 20, 40];

  it('interpolates linearly between order statistics', () => {
    expect(quantile(xs, 0.25)).toBe(20); // h = 1: x[1]
    expect(quantile(xs, 0.1)).toBeCloseTo(14, 12); // h = 0.4: 10 + 0.4 * (20 - 10)
    expect(quantile(xs, 0.9)).toBeCloseTo(46, 12); // h = 3.6: 40 + 0.6 * (50 - 40)
  });

  it('gives min and max at 0 and 1', () => {
    expect(quantile(xs, 0)).toBe(10);
    expect(quantile(xs, 1)).toBe(50);
  });

  it('matches the numpy default, not other definitions', () => {
    // 1, 2, 3, 4 at q = 0.25: h = 3 * 0.25 = 0.75, so 1 + 0.75 * (2 - 1) = 1.75
    // (numpy.quantile gives 1.75; R type 6 would give 1.25, nearest rank 1).
    expect(quantile([4, 3, 2, 1], 0.25)).toBeCloseTo(1.75, 12);
  });

  it('is NaN for an empty array and rejects q outside [0, 1]', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile(xs, 1.5)).toThrow(RangeError);
    expect(() => quantile(xs, -0.1)).toThrow(RangeError);
    expect(() => quantile(xs, NaN)).toThrow(RangeError);
  });
});

describe('mad', () => {
  it('is the raw median absolute deviation, unscaled', () => {
    // Median 2; |x - 2| = 1, 1, 0, 0, 2, 4, 7, sorted 0, 0, 1, 1, 2, 4, 7: median 1.
    // (Scaled by 1.4826 it would be 1.4826.)
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
  });

  it('is NaN for an empty array and 0 for identical values', () => {
    expect(mad([])).toBeNaN();
    expect(mad([3, 3, 3])).toBe(0);
  });
});

/** Exact P(B <= k) for B ~ Binomial(n, 1/2), as a BigInt numerator over 2^n. */
function binomCdfNumerator(n: number, k: number): bigint {
  let c = 1n; // C(n, 0)
  let sum = 0n;
  for (let i = 0; i <= k; i++) {
    sum += c;
    c = (c * BigInt(n - i)) / BigInt(i + 1);
  }
  return sum;
}

describe('ciMedian', () => {
  it('uses ranks (2, 9) for n = 10 at 95%', () => {
    // B ~ Binomial(10, 1/2): F(0) = 1/1024, F(1) = 11/1024 = 0.0107 <= 0.025,
    // F(2) = 56/1024 = 0.0547 > 0.025. So j - 1 = 1, j = 2: [x(2), x(9)], coverage
    // 1 - 2 * 11/1024 = 0.9785 >= 0.95. The textbook table gives the same ranks.
    expect(ciMedian(ONE_TO_TEN)).toEqual({ low: 2, high: 9, level: 0.95 });
  });

  it('narrows as the level drops', () => {
    // n = 10 at 50%: tail 0.25; F(3) = 176/1024 = 0.172 <= 0.25 < F(4) = 386/1024 = 0.377,
    // so j = 4: [x(4), x(7)], coverage 1 - 2 * 176/1024 = 0.656.
    expect(ciMedian(ONE_TO_TEN, 0.5)).toEqual({ low: 4, high: 7, level: 0.5 });
    // n = 10 at 99%: tail 0.005; F(0) = 0.00098 <= 0.005 < F(1) = 0.0107: j = 1, [min, max],
    // whose coverage 1 - 2/1024 = 0.998 reaches 0.99, so the requested level stands.
    expect(ciMedian(ONE_TO_TEN, 0.99)).toEqual({ low: 1, high: 10, level: 0.99 });
  });

  it('uses ranks (40, 61) for n = 100', () => {
    // F(39) = 0.0176 <= 0.025 < F(40) = 0.0284 for Binomial(100, 1/2) (scipy.stats.binom.cdf);
    // j = 40, [x(40), x(61)], the standard table entry for n = 100.
    expect(ciMedian(range(100))).toEqual({ low: 40, high: 61, level: 0.95 });
  });

  it('works for large n, where 2^-n underflows', () => {
    // Binomial(2000, 1/2): F(955) = 0.02328 <= 0.025 < F(956) = 0.02585 (scipy.stats.binom.cdf),
    // so j = 956: [x(956), x(1045)]. Normal approximation: 1000 - 1.96 * sqrt(2000) / 2 = 956.2.
    expect(ciMedian(range(2000))).toEqual({ low: 956, high: 1045, level: 0.95 });
  });

  it('returns [min, max] with the actual coverage when n is too small', () => {
    // n = 5: [x(1), x(5)] covers with 1 - 2 * (1/2)^5 = 0.9375 < 0.95.
    expect(ciMedian([5, 1, 4, 2, 3])).toEqual({ low: 1, high: 5, level: 0.9375 });
    // n = 6: 1 - 2/64 = 0.96875 >= 0.95, enough; j = 2 would give 1 - 2 * 7/64 = 0.78.
    expect(ciMedian([6, 1, 4, 2, 3, 5])).toEqual({ low: 1, high: 6, level: 0.95 });
    // n = 1: [x, x] covers a continuous median with probability 0.
    expect(ciMedian([7])).toEqual({ low: 7, high: 7, level: 0 });
    // Level 1 is never reached by a finite sample: n = 4 gives 1 - 2/16 = 0.875.
    expect(ciMedian([1, 2, 3, 4], 1)).toEqual({ low: 1, high: 4, level: 0.875 });
  });

  it('is NaN with coverage 0 for an empty array, and rejects a bad level', () => {
    const ci = ciMedian([]);
    expect(ci.low).toBeNaN();
    expect(ci.high).toBeNaN();
    expect(ci.level).toBe(0);
    expect(() => ciMedian([1, 2, 3], 1.5)).toThrow(RangeError);
  });

  it('picks the narrowest pair that covers, against exact binomial arithmetic, n = 6..150', () => {
    // Independent check in BigInt: [x(j), x(n-j+1)] covers with 1 - 2 F(j-1), which
    // is >= 0.95 exactly when 40 * numerator(F(j-1)) <= 2^n. Want the largest such j.
    for (let n = 6; n <= 150; n++) {
      const total = 1n << BigInt(n);
      let j = 1;
      while (40n * binomCdfNumerator(n, j) <= total) j++;
      // With values 1..n, x(j) = j.
      expect(ciMedian(range(n)), `n = ${n}`).toEqual({ low: j, high: n - j + 1, level: 0.95 });
    }
  });
});

describe('outliers', () => {
  it('flags values with modified z-score above 3.5', () => {
    // Median 12.5; |x - 12.5| = 2.5, 1.5, 0.5, 0.5, 1.5, 87.5: MAD 1.5 (mean of 1.5 and 1.5).
    // Score of 100: 0.6745 * 87.5 / 1.5 = 39.3; of 10: 0.6745 * 2.5 / 1.5 = 1.12.
    expect(outliers([10, 11, 12, 13, 14, 100])).toEqual([5]);
  });

  it('puts the threshold at 3.5 / 0.6745 MADs from the median', () => {
    // Ten values -1 x3, 0 x4, 1 x3 plus v > 1: median 0 and MAD 1 whatever v is
    // (the deviations sorted are 0 x4, 1 x6, |v|; the 6th is 1). The cut-off is
    // |v| > 3.5 / 0.6745 = 5.189. An unscaled rule (|v| / MAD > 3.5) would flag 5.1.
    const base = [-1, -1, -1, 0, 0, 0, 0, 1, 1, 1];
    expect(outliers([...base, 5.1])).toEqual([]); // score 3.44
    expect(outliers([...base, 5.3])).toEqual([10]); // score 3.57
    expect(outliers([-5.3, ...base])).toEqual([0]); // both tails
  });

  it('falls back to 1.253314 * mean absolute deviation when MAD is 0', () => {
    // Median 5; deviations 0 x7 and 95: MAD 0; mean deviation 95/8 = 11.875,
    // scale 1.253314 * 11.875 = 14.883; score of 100: 95 / 14.883 = 6.38 > 3.5.
    expect(outliers([5, 5, 5, 5, 5, 5, 5, 100])).toEqual([7]);
    // Median 5; deviations 0, 0, 0, 1, 1: MAD 0; mean deviation 0.4, scale 0.501;
    // score of 6: 1 / 0.501 = 1.99: not outliers (merely differing from the median is not enough).
    expect(outliers([5, 6, 5, 6, 5])).toEqual([]);
  });

  it('finds none when all values are equal, or none are given', () => {
    expect(outliers([3, 3, 3, 3])).toEqual([]);
    expect(outliers([])).toEqual([]);
  });
});

describe('summarize', () => {
  it('summarizes 1..10', () => {
    expect(summarize(ONE_TO_TEN)).toEqual({
      n: 10,
      median: 5.5,
      mean: 5.5,
      // Σ(x - 5.5)² = 2 * (0.25 + 2.25 + 6.25 + 12.25 + 20.25) = 82.5; sqrt(82.5 / 9)
      stddev: expect.closeTo(3.0276503540974917, 12),
      min: 1,
      max: 10,
      // |x - 5.5| = 0.5, 0.5, 1.5, 1.5, 2.5, 2.5, 3.5, 3.5, 4.5, 4.5: median 2.5
      mad: 2.5,
      p25: expect.closeTo(3.25, 12), // h = 9 * 0.25 = 2.25: 3 + 0.25
      p75: expect.closeTo(7.75, 12), // h = 6.75: 7 + 0.75
      p99: null, // n < 100
      ci: { low: 2, high: 9, level: 0.95 }, // see ciMedian
      outliers: 0,
    });
  });

  it('reports p99 from n = 100, and counts outliers', () => {
    const xs = range(100);
    const s = summarize(xs);
    expect(s.p99).toBeCloseTo(99.01, 9); // h = 99 * 0.99 = 98.01: x[98] = 99, + 0.01
    expect(s.ci).toEqual({ low: 40, high: 61, level: 0.95 });
    expect(s.outliers).toBe(0);
    // 99 values 1..99 and one 10000: median 50.5, MAD 25, score 0.6745 * 9949.5 / 25 = 268.
    expect(summarize([...range(99), 10_000]).outliers).toBe(1);
    expect(summarize(range(99)).p99).toBeNull();
  });

  it('does not fail on an empty sample', () => {
    const s = summarize([]);
    expect(s.n).toBe(0);
    expect(s.median).toBeNaN();
    expect(s.min).toBeNaN();
    expect(s.stddev).toBe(0);
    expect(s.p99).toBeNull();
    expect(s.outliers).toBe(0);
  });
});

describe('ratioOfMedians', () => {
  it('is median(base) / median(x), bracketed by the CIs of the medians', () => {
    const base = ONE_TO_TEN.map((v) => 2 * v); // median 11, 95% CI [4, 18]
    const x = ONE_TO_TEN; // median 5.5, 95% CI [2, 9]
    const r = ratioOfMedians(base, x);
    expect(r.ratio).toBe(2); // 11 / 5.5
    expect(r.low).toBeCloseTo(4 / 9, 12); // ci(base).low / ci(x).high
    expect(r.high).toBeCloseTo(9, 12); // ci(base).high / ci(x).low = 18 / 2
  });
});

describe('geomean', () => {
  it('is the n-th root of the product', () => {
    expect(geomean([1, 4, 16])).toBeCloseTo(4, 12); // cube root of 64
    expect(geomean([2, 8])).toBeCloseTo(4, 12); // sqrt(16)
  });

  it('does not overflow where the product would', () => {
    // The product 1e600 is Infinity in doubles; the mean of logs is fine.
    expect(geomean([1e200, 1e200, 1e200]) / 1e200).toBeCloseTo(1, 12);
  });

  it('is 0 with a zero, NaN with a negative value or no values', () => {
    expect(geomean([0, 5])).toBe(0);
    expect(geomean([-1, 4])).toBeNaN();
    expect(geomean([])).toBeNaN();
  });
});

describe('jainIndex', () => {
  it('is (Σx)² / (n Σx²)', () => {
    expect(jainIndex([3, 3, 3, 3])).toBe(1); // 144 / (4 * 36)
    expect(jainIndex([1, 0, 0, 0])).toBe(0.25); // 1 / (4 * 1): one gets everything
    expect(jainIndex([1, 2, 3])).toBeCloseTo(6 / 7, 12); // 36 / (3 * 14)
  });

  it('is 1 for all zero, NaN for none', () => {
    expect(jainIndex([0, 0, 0])).toBe(1);
    expect(jainIndex([])).toBeNaN();
  });
});

describe('linearFit', () => {
  it('recovers an exact line', () => {
    const fit = linearFit([1, 2, 3, 4], [3, 5, 7, 9]); // y = 2x + 1
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(1, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
  });

  it('fits noisy data by least squares', () => {
    // x̄ = 2.5, ȳ = 3.5; dx = -1.5, -0.5, 0.5, 1.5; dy = -1.5, -0.5, 1.5, 0.5.
    // Sxy = 2.25 + 0.25 + 0.75 + 0.75 = 4, Sxx = 5, Syy = 5.
    // slope 4/5 = 0.8, intercept 3.5 - 0.8 * 2.5 = 1.5, r2 = 4² / (5 * 5) = 0.64.
    const fit = linearFit([1, 2, 3, 4], [2, 3, 5, 4]);
    expect(fit.slope).toBeCloseTo(0.8, 12);
    expect(fit.intercept).toBeCloseTo(1.5, 12);
    expect(fit.r2).toBeCloseTo(0.64, 12);
  });

  it('handles constant y (r2 = 1), constant x (NaN) and mismatched lengths (throws)', () => {
    expect(linearFit([1, 2, 3], [4, 4, 4])).toEqual({ slope: 0, intercept: 4, r2: 1 });
    const flat = linearFit([2, 2, 2], [1, 2, 3]);
    expect(flat.slope).toBeNaN();
    expect(flat.r2).toBeNaN();
    expect(() => linearFit([1, 2], [1])).toThrow(RangeError);
  });
});
