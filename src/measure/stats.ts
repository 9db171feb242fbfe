/**
 * Descriptive statistics for measurements: pure functions over number arrays.
 *
 * Conventions shared by every function here:
 * - Inputs are never mutated; functions that need order sort a copy.
 * - Inputs are assumed to be finite numbers. NaN is not filtered out, and
 *   makes the order-based functions (median, quantile, ...) meaningless.
 * - An empty input gives NaN where a value is asked for (there is no sensible
 *   number to report), except where a function says otherwise.
 */

/** Ascending copy; the comparator is needed because the default sort is lexical. */
function sortedCopy(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Element i of an array the caller has already bounds-checked. */
function at(xs: readonly number[], i: number): number {
  return xs[i] as number;
}

/**
 * Type 7 quantile (R's default, numpy's 'linear') of an ascending array.
 * The order statistic x(k), 0-based, sits at probability k/(n-1); values in
 * between are linearly interpolated.
 */
function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const frac = h - lo;
  const xlo = at(sorted, lo);
  // Return the order statistic itself when h is whole: besides being exact,
  // it avoids 0 * (Infinity - Infinity) = NaN at the top end.
  if (frac === 0 || lo + 1 >= n) return xlo;
  return xlo + frac * (at(sorted, lo + 1) - xlo);
}

function checkProbability(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${p}`);
}

/** Median; NaN for an empty array. The mean of the two middle values when n is even. */
export function median(xs: readonly number[]): number {
  return quantileSorted(sortedCopy(xs), 0.5);
}

/** Arithmetic mean; NaN for an empty array. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/**
 * Sample standard deviation (divides by n - 1); 0 when n < 2, where the
 * spread of the sample is nil rather than unknown for display purposes.
 * Two passes (mean first, then squared deviations) rather than the
 * sum-of-squares shortcut, which cancels catastrophically when the values are
 * large and close together, as timings in nanoseconds are.
 */
export function stddev(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (n - 1));
}

/** Smallest value; NaN (not Infinity) for an empty array. */
export function min(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let m = Infinity;
  // A loop rather than Math.min(...xs): spreading a large array overflows the stack.
  for (const x of xs) if (x < m) m = x;
  return m;
}

/** Largest value; NaN (not -Infinity) for an empty array. */
export function max(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

/**
 * Quantile q in [0, 1] by linear interpolation between order statistics
 * (Hyndman & Fan type 7: R's default, numpy's default). NaN for an empty
 * array; throws RangeError for q outside [0, 1].
 */
export function quantile(xs: readonly number[], q: number): number {
  checkProbability('quantile q', q);
  return quantileSorted(sortedCopy(xs), q);
}

/** Raw median absolute deviation, median(|x - median(xs)|), NOT scaled by 1.4826. NaN when empty. */
export function mad(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

/** A confidence interval; `level` is the coverage it has (see ciMedian). */
export interface Interval {
  low: number;
  high: number;
  level: number;
}

/**
 * Confidence interval for the median from order statistics, distribution free.
 *
 * For a continuous distribution the number of sample values below the true
 * median is B ~ Binomial(n, 1/2), so with x(1) <= ... <= x(n) the interval
 * [x(j), x(n-j+1)] covers the median with probability
 *   P(j <= B <= n-j) = 1 - 2 P(B <= j-1).
 * We take the largest j (the narrowest symmetric pair of ranks) whose coverage
 * is still at least `level`. The exact coverage is usually above `level`
 * because B is discrete; `level` in the result is then the requested level.
 *
 * When n is too small for even [x(1), x(n)] to reach `level` (its coverage
 * is 1 - 2^(1-n): 0.9375 for n = 5, so n <= 5 at the default 95%), the result
 * is [min, max] with `level` set to that actual, lower coverage, so a caller
 * can see `result.level < requested` and say so. n = 1 gives [x, x] with
 * coverage 0; n = 0 gives NaN bounds with coverage 0.
 *
 * Ties in the data (timings quantised by a coarse clock) make the interval
 * slightly conservative; nothing is corrected for them.
 */
export function ciMedian(xs: readonly number[], level = 0.95): Interval {
  checkProbability('ciMedian level', level);
  const n = xs.length;
  if (n === 0) return { low: NaN, high: NaN, level: 0 };
  const sorted = sortedCopy(xs);
  const tail = (1 - level) / 2;
  // A small slack so that a level the binomial hits exactly (e.g. 0.5) is not
  // missed by rounding in the sum. Binomial(n, 1/2) CDF values are dyadic
  // rationals, so the usual levels (0.9, 0.95, 0.99) are never hit exactly.
  const slack = 1e-12;
  // Walk the CDF F(k) = P(B <= k) upwards; j - 1 is the last k with F(k) <= tail.
  // The pmf is built in log space, log p(k) = log p(k-1) + log((n-k+1)/k)
  // from log p(0) = -n log 2, because 2^-n underflows to 0 past n = 1074.
  let logPmf = -n * Math.LN2;
  let cdf = Math.exp(logPmf);
  let j = 0; // 0 means not even k = 0 fits: [min, max] is short of `level`.
  for (let k = 0; k < n && cdf <= tail + slack; ) {
    j = k + 1;
    k += 1;
    logPmf += Math.log((n - k + 1) / k);
    cdf += Math.exp(logPmf);
  }
  // The symmetric pair must not cross: j <= n - j + 1. With level >= 0 the
  // loop already stops by the middle (F reaches 1/2 there), this is a guard.
  j = Math.min(j, Math.floor((n + 1) / 2));
  if (j === 0) {
    // [x(1), x(n)] covers with probability 1 - 2 P(B = 0) = 1 - 2^(1-n).
    return { low: at(sorted, 0), high: at(sorted, n - 1), level: 1 - Math.pow(2, 1 - n) };
  }
  return { low: at(sorted, j - 1), high: at(sorted, n - j), level };
}

/**
 * Indices (ascending) of outliers by the modified z-score of Iglewicz and
 * Hoaglin: |x - median| / scale > 3.5, where scale = MAD / 0.6745, i.e. the
 * MAD scaled to estimate the standard deviation of a normal distribution.
 *
 * When more than half the values are equal the MAD is 0 and every other value
 * would have an infinite score. In that case (as IBM SPSS and others do) the
 * scale is 1.253314 * mean(|x - median|) instead: the mean absolute deviation
 * scaled, like the MAD, to estimate a normal standard deviation
 * (sqrt(pi/2) = 1.253314). If that is 0 too, all values are equal and there
 * are no outliers.
 */
export function outliers(xs: readonly number[]): number[] {
  if (xs.length === 0) return [];
  const m = median(xs);
  const dev = xs.map((x) => Math.abs(x - m));
  const rawMad = median(dev);
  const scale = rawMad > 0 ? rawMad / 0.6745 : 1.253314 * mean(dev);
  if (!(scale > 0)) return [];
  const out: number[] = [];
  dev.forEach((d, i) => {
    if (d / scale > 3.5) out.push(i);
  });
  return out;
}

/** Everything a report shows about one metric. */
export interface Summary {
  n: number;
  median: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  /** Raw median absolute deviation (not scaled). */
  mad: number;
  p25: number;
  p75: number;
  /** Only when n >= 100: with fewer values p99 is just the maximum, interpolated. */
  p99: number | null;
  /** 95% confidence interval of the median; see ciMedian for `level`. */
  ci: Interval;
  /** Number of outliers by modified z-score; see outliers. */
  outliers: number;
}

/** Summary of a sample. For an empty one the values are NaN (stddev 0), p99 null, outliers 0. */
export function summarize(xs: readonly number[]): Summary {
  const sorted = sortedCopy(xs);
  const n = sorted.length;
  return {
    n,
    median: quantileSorted(sorted, 0.5),
    mean: mean(sorted),
    stddev: stddev(sorted),
    min: n === 0 ? NaN : at(sorted, 0),
    max: n === 0 ? NaN : at(sorted, n - 1),
    mad: mad(sorted),
    p25: quantileSorted(sorted, 0.25),
    p75: quantileSorted(sorted, 0.75),
    p99: n >= 100 ? quantileSorted(sorted, 0.99) : null,
    ci: ciMedian(sorted),
    outliers: outliers(sorted).length,
  };
}

/**
 * Speedup of x relative to base: median(base) / median(x), so a ratio above 1
 * means x is faster when the values are times.
 *
 * The range divides the extremes of the two medians' confidence intervals:
 * low = ci(base).low / ci(x).high, high = ci(base).high / ci(x).low. It is a
 * conservative bracket, not a confidence interval of the ratio with coverage
 * `level`: if both intervals cover, the ratio lies in the range, so the range
 * covers with probability at least about 2 * level - 1 and in practice more.
 * Values are assumed positive (timings); a CI bound of 0 gives Infinity.
 * The optional `level` is passed to ciMedian for both samples.
 */
export function ratioOfMedians(
  base: readonly number[],
  x: readonly number[],
  level = 0.95,
): { ratio: number; low: number; high: number } {
  const cb = ciMedian(base, level);
  const cx = ciMedian(x, level);
  return {
    ratio: median(base) / median(x),
    low: cb.low / cx.high,
    high: cb.high / cx.low,
  };
}

/**
 * Geometric mean, computed as exp(mean(log x)) so that the product of many
 * values cannot overflow or underflow. NaN when empty or when any value is
 * negative; 0 when any value is 0 (and none is negative).
 */
export function geomean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let sumLog = 0;
  for (const x of xs) sumLog += Math.log(x);
  return Math.exp(sumLog / xs.length);
}

/**
 * Jain's fairness index (Σx)² / (n Σx²) of non-negative shares (e.g. work done
 * per worker): 1 when all are equal, 1/n when one gets everything. Defined as
 * 1 when all are 0 (equal shares of nothing), NaN when empty.
 */
export function jainIndex(xs: readonly number[]): number {
  const n = xs.length;
  if (n === 0) return NaN;
  let sum = 0;
  let sumSq = 0;
  for (const x of xs) {
    sum += x;
    sumSq += x * x;
  }
  if (sumSq === 0) return 1;
  return (sum * sum) / (n * sumSq);
}

/**
 * Ordinary least squares fit y = slope * x + intercept, with the coefficient
 * of determination r2 = 1 - SSres/SStot (for a straight line, the squared
 * correlation). Sums are taken about the means, for the same reason as stddev.
 *
 * Throws RangeError when the arrays differ in length. When the x values do not
 * vary (including n < 2) no line is determined: all three are NaN. When the y
 * values do not vary but x does, the flat line fits exactly: r2 = 1.
 */
export function linearFit(
  xs: readonly number[],
  ys: readonly number[],
): { slope: number; intercept: number; r2: number } {
  if (xs.length !== ys.length) {
    throw new RangeError(`linearFit: ${xs.length} x values but ${ys.length} y values`);
  }
  const n = xs.length;
  if (n === 0) return { slope: NaN, intercept: NaN, r2: NaN };
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = at(xs, i) - mx;
    const dy = at(ys, i) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return { slope: NaN, intercept: NaN, r2: NaN };
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  // SSres = syy - sxy²/sxx for the least-squares line, so r2 = sxy²/(sxx syy);
  // clamp against rounding pushing it a hair above 1.
  const r2 = syy === 0 ? 1 : Math.min(1, (sxy * sxy) / (sxx * syy));
  return { slope, intercept, r2 };
}
