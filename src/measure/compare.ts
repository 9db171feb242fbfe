/**
 * The statistics of a comparison, pure (no clock, no I/O): two sample sets of
 * one metric compared (the change of the median, a Mann-Whitney U test, the
 * direction for the metric), whether there are enough samples to tell, and
 * the geomean of median ratios. Matching whole report files, labs, variants
 * and machines to feed it is src/compare/.
 */
import type { Better } from '../core/report.js';
import { mannWhitneyU } from './mann-whitney.js';
import { geomean, median } from './stats.js';

/** Below this many samples on either side a difference is never claimed (see tooFewSamples). */
export const MIN_SAMPLES = 4;

export interface CompareSettings {
  /** Significance level of the two-sided Mann-Whitney U test (default 0.05). */
  alpha: number;
  /** Changes of the median smaller than this, in percent, are ignored (default 0). */
  thresholdPct: number;
}

export const DEFAULT_SETTINGS: CompareSettings = { alpha: 0.05, thresholdPct: 0 };

/**
 * What one comparison of two sample sets says:
 * - 'too-few': too few samples to detect any difference at alpha (never significant)
 * - 'unchanged': no significant difference (p > alpha), or the medians are equal; shown as ~
 * - 'below-threshold': significant, but the change is smaller than --threshold
 * - 'better' / 'worse': significant and beyond the threshold, judged by the metric's `better`
 */
export type Verdict = 'too-few' | 'unchanged' | 'below-threshold' | 'better' | 'worse';

export interface SampleComparison {
  n: [number, number];
  medians: [number, number];
  /** Percent change of the median, (median / baseMedian - 1) * 100; null when the base median is 0 and the other is not. */
  change: number | null;
  /** Two-sided Mann-Whitney U p-value; NaN when a side is empty. */
  p: number;
  method: 'exact' | 'asymptotic';
  tooFew: boolean;
  /** p <= alpha with enough samples on both sides. */
  significant: boolean;
  verdict: Verdict;
  /** A significant change beyond the threshold in the wrong direction for the metric. */
  regression: boolean;
}

/** C(n, k) in doubles (exact while it fits; Infinity past ~1e308, which only makes p tinier). */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * The smallest two-sided p-value the exact Mann-Whitney test can give for
 * samples of na and nb values: 2 / C(na + nb, na), reached when the two
 * samples do not overlap at all. With 3 values a side it is 0.1, so no
 * difference could ever be significant at 0.05.
 */
export function minAttainableP(na: number, nb: number): number {
  if (na === 0 || nb === 0) return 1;
  return Math.min(1, 2 / binomial(na + nb, Math.min(na, nb)));
}

/**
 * Too few samples to detect a difference: fewer than MIN_SAMPLES on a side,
 * or so few that even two samples that do not overlap at all would not reach
 * alpha. Such a comparison is reported as such, never as "no difference".
 */
export function tooFewSamples(na: number, nb: number, alpha: number): boolean {
  return Math.min(na, nb) < MIN_SAMPLES || minAttainableP(na, nb) > alpha;
}

/** Does a move from base to x go in the good direction of a metric? 'none' when equal. */
export function directionOf(base: number, x: number, better: Better): 'better' | 'worse' | 'none' {
  if (x === base || Number.isNaN(x) || Number.isNaN(base)) return 'none';
  return x > base === (better === 'higher') ? 'better' : 'worse';
}

/** Percent change of a median against a base median; null when base is 0 and x is not. */
export function percentChange(base: number, x: number): number | null {
  if (base === 0) return x === 0 ? 0 : null;
  return (x / base - 1) * 100;
}

/** Compare the samples of one metric in a later file against the base file. */
export function compareSamples(
  base: readonly number[],
  other: readonly number[],
  better: Better,
  settings: CompareSettings = DEFAULT_SETTINGS,
): SampleComparison {
  const mb = median(base);
  const mo = median(other);
  const mw = mannWhitneyU(base, other);
  const tooFew = tooFewSamples(base.length, other.length, settings.alpha);
  const change = percentChange(mb, mo);
  const significant = !tooFew && mw.p <= settings.alpha; // NaN compares false
  const direction = directionOf(mb, mo, better);
  let verdict: Verdict;
  if (tooFew) verdict = 'too-few';
  else if (!significant || direction === 'none') verdict = 'unchanged';
  else if (change !== null && Math.abs(change) < settings.thresholdPct) verdict = 'below-threshold';
  else verdict = direction;
  return {
    n: [base.length, other.length],
    medians: [mb, mo],
    change,
    p: mw.p,
    method: mw.method,
    tooFew,
    significant,
    verdict,
    regression: verdict === 'worse',
  };
}

/**
 * Geometric mean of median ratios (later / base), as benchstat's geomean row.
 * When a lab mixes lower-is-better and higher-is-better metrics the ratios of
 * the higher-is-better ones are inverted first (`oriented`), so that the
 * geomean reads as a cost (above 1 is worse) instead of letting a slower time
 * and a lower throughput cancel out. Ratios that are not finite and positive
 * (a zero median) are left out; null when none is left.
 */
export function geomeanOfRatios(items: readonly { ratio: number; better: Better }[]): {
  ratio: number | null;
  n: number;
  better: Better;
  oriented: boolean;
} {
  const kinds = new Set(items.map((i) => i.better));
  const oriented = kinds.size > 1;
  const better: Better = oriented ? 'lower' : (items[0]?.better ?? 'lower');
  const ratios = items
    .map((i) => (oriented && i.better === 'higher' ? 1 / i.ratio : i.ratio))
    .filter((r) => Number.isFinite(r) && r > 0);
  return { ratio: ratios.length ? geomean(ratios) : null, n: ratios.length, better, oriented };
}
