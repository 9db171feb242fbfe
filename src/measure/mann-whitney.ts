/**
 * Two-sided Mann-Whitney U test (Wilcoxon rank-sum test): do two samples come
 * from the same distribution, against a shift of one relative to the other?
 * It assumes nothing about the shape of the distributions, which suits
 * timings (skewed, heavy right tail). Pure: no clock, no I/O.
 */

export interface MannWhitneyResult {
  /** U of sample a: pairs (x in a, y in b) with x > y, a tie counting one half. In [0, na * nb]. */
  u: number;
  /** Two-sided p-value, in [0, 1]. NaN when either sample is empty. */
  p: number;
  method: 'exact' | 'asymptotic';
  na: number;
  nb: number;
}

/** The exact distribution is used up to this many values in each sample (and no ties). */
const EXACT_MAX = 8;

/**
 * Two-sided Mann-Whitney U test of a against b.
 *
 * Method 'exact' when there are no ties and both samples have at most 8
 * values: the permutation distribution of U under the null hypothesis is
 * counted exactly, and p = min(1, 2 min(P(U <= u), P(U >= u))).
 * Otherwise 'asymptotic': U is approximately normal with mean na nb / 2 and
 * the tie-corrected variance
 *   na nb / 12 * ((n + 1) - Σ(t³ - t) / (n (n - 1))),  n = na + nb,
 * t running over the sizes of groups of equal values; with a continuity
 * correction of 0.5, z = (|u - na nb / 2| - 0.5) / sd and p = 2 (1 - Φ(z)),
 * capped at 1.
 *
 * Degenerate inputs:
 * - an empty sample: there is nothing to compare, so p is NaN (not 1, which
 *   would read as a computed "no difference"); u is 0 and the method follows
 *   the rule above.
 * - all values identical (zero variance): p = 1, the samples cannot be told
 *   apart.
 * Values are assumed not to be NaN.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const na = a.length;
  const nb = b.length;
  const { u, tieTerm } = uStatistic(a, b);
  const method = tieTerm === 0 && na <= EXACT_MAX && nb <= EXACT_MAX ? 'exact' : 'asymptotic';
  if (na === 0 || nb === 0) return { u: 0, p: NaN, method, na, nb };
  const p = method === 'exact' ? exactP(u, na, nb) : asymptoticP(u, na, nb, tieTerm);
  return { u, p, method, na, nb };
}

/**
 * U of sample a from mid-ranks in the pooled sample: U = R_a - na (na + 1) / 2,
 * where R_a is the sum of a's ranks. Tied values share the mean of their ranks,
 * which is exactly what makes each tied pair count one half. Also returns
 * Σ(t³ - t) over tie groups, for the variance correction (0 when no ties).
 */
function uStatistic(a: readonly number[], b: readonly number[]): { u: number; tieTerm: number } {
  const pooled = [
    ...a.map((v) => ({ v, inA: true })),
    ...b.map((v) => ({ v, inA: false })),
  ].sort((x, y) => x.v - y.v);
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < pooled.length; ) {
    let end = i + 1; // one past the group of values equal to pooled[i]
    while (end < pooled.length && pooled[end]?.v === pooled[i]?.v) end++;
    const t = end - i;
    // 1-based ranks i+1 .. end share their mean.
    const midRank = (i + 1 + end) / 2;
    for (let k = i; k < end; k++) if (pooled[k]?.inA) rankSumA += midRank;
    tieTerm += t * t * t - t;
    i = end;
  }
  const na = a.length;
  return { u: rankSumA - (na * (na + 1)) / 2, tieTerm };
}

/**
 * Counts of arrangements by U: c[k] is the number of the C(m+n, m) equally
 * likely orderings of m values of a and n of b (no ties) in which U = k.
 * Recurrence on the largest pooled value: if it belongs to a it exceeds all n
 * values of b, adding n to U; if it belongs to b it adds nothing. So
 *   c(m, n)[k] = c(m-1, n)[k-n] + c(m, n-1)[k],  c(0, n) = c(m, 0) = [1].
 * Counts stay exact in doubles far beyond the sizes used (C(16, 8) = 12870).
 */
function uCounts(m: number, n: number): number[] {
  // row[j] holds c(i, j) for the current i; filled for i = 0 .. m.
  let row: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const next: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      const fromA = row[j] ?? []; // c(i-1, j), shifted by j
      const fromB = next[j - 1] ?? []; // c(i, j-1)
      const c = new Array<number>(i * j + 1).fill(0);
      fromA.forEach((count, k) => {
        c[k + j] = (c[k + j] ?? 0) + count;
      });
      fromB.forEach((count, k) => {
        c[k] = (c[k] ?? 0) + count;
      });
      next.push(c);
    }
    row = next;
  }
  return row[n] ?? [1];
}

function exactP(u: number, na: number, nb: number): number {
  const counts = uCounts(na, nb);
  let total = 0;
  let atMost = 0;
  let atLeast = 0;
  counts.forEach((c, k) => {
    total += c;
    if (k <= u) atMost += c;
    if (k >= u) atLeast += c;
  });
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / total);
}

function asymptoticP(u: number, na: number, nb: number, tieTerm: number): number {
  const n = na + nb;
  const mu = (na * nb) / 2;
  const variance = ((na * nb) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  // Zero variance: every value is the same, nothing distinguishes the samples.
  if (!(variance > 0)) return 1;
  const z = (Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  // 2 (1 - Φ(z)) = erfc(z / √2); a negative z (|u - mu| < 0.5) gives more than 1.
  return Math.min(1, erfc(z / Math.SQRT2));
}

/**
 * Complementary error function to near double precision, so the p-value is
 * accurate in the far tail where 1 - Φ(z) would cancel to 0.
 * - |x| < 2: erf(x) = (2/√π) e^(-x²) Σ_{k≥0} 2^k x^(2k+1) / (1·3·…·(2k+1)),
 *   a series of positive terms (no cancellation), and erfc = 1 - erf.
 * - x >= 2: the continued fraction
 *   erfc(x) = (e^(-x²)/√π) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))),
 *   evaluated by the modified Lentz method.
 * - x <= -2: erfc(x) = 2 - erfc(-x).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= -2) return 2 - erfc(-x);
  if (x < 2) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
      term *= (2 * x2) / (2 * k + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  }
  if (x === Infinity) return 0;
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
