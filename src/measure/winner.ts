/**
 * Which of several sample sets is best, and by how much: the winner (lowest
 * median, for times), the runner-up, the margin between them as a ratio of
 * medians with a range, the Mann-Whitney p-value of that pair, and the sets
 * that cannot be told apart from the winner. Pure: no clock, no I/O.
 *
 * "Significant" means what it means in `conc compare` (compare.ts):
 * enough samples on both sides to reach alpha at all (tooFewSamples), and
 * p <= alpha.
 */
import { compareSamples, tooFewSamples } from './compare.js';
import { median, ratioOfMedians } from './stats.js';

export interface NamedSamples<N extends string = string> {
  name: N;
  samples: readonly number[];
}

export interface Margin {
  /** median(runner-up) / median(winner): how many times the runner-up's time the winner's is, above 1. */
  ratio: number;
  /** The range of the ratio from the two medians' 95% CIs (ratioOfMedians). */
  low: number;
  high: number;
}

export interface Standings<N extends string = string> {
  /** Lowest median first; equal medians keep the order given (pass the simplest first). */
  ranked: { name: N; median: number; n: number }[];
  winner: N;
  /** Null when only one set was given. */
  runnerUp: N | null;
  margin: Margin | null;
  /** Two-sided Mann-Whitney p of winner against runner-up; null with one set. */
  p: number | null;
  /** Too few samples in the pair for any difference to reach alpha. */
  tooFew: boolean;
  /** The winner is significantly better than the runner-up. */
  significant: boolean;
  /**
   * The top sets that cannot be told from the winner, the winner included, in
   * the order given: from the top of the ranking down to the first set that
   * is significantly worse than the winner (a set ranked below that one is
   * not a top set, however wide its spread).
   */
  tied: N[];
}

/** Standings of sets whose values are lower-is-better (times). Throws on no sets or an empty set. */
export function standings<N extends string>(sets: readonly NamedSamples<N>[], alpha = 0.05): Standings<N> {
  if (sets.length === 0) throw new RangeError('standings: no sample sets');
  for (const s of sets) if (s.samples.length === 0) throw new RangeError(`standings: ${s.name} has no samples`);
  const ranked = sets
    .map((s, i) => ({ name: s.name, median: median(s.samples), n: s.samples.length, i }))
    .sort((a, b) => a.median - b.median || a.i - b.i)
    .map(({ name, median: m, n }) => ({ name, median: m, n }));
  const first = ranked[0] as { name: N };
  const byName = new Map(sets.map((s) => [s.name, s.samples]));
  const w = byName.get(first.name) as readonly number[];
  // Significantly worse than the winner: a significant difference, and a higher median.
  const worse = (x: readonly number[]): boolean => {
    const c = compareSamples(w, x, 'lower', { alpha, thresholdPct: 0 });
    return c.significant && c.medians[1] > c.medians[0];
  };
  const significantlyWorse = (name: N): boolean => worse(byName.get(name) as readonly number[]);
  const cut = ranked.findIndex((r, i) => i > 0 && significantlyWorse(r.name));
  const top = new Set(ranked.slice(0, cut < 0 ? ranked.length : cut).map((r) => r.name));
  const tied = sets.map((s) => s.name).filter((name) => top.has(name));
  const second = ranked[1];
  if (!second) return { ranked, winner: first.name, runnerUp: null, margin: null, p: null, tooFew: false, significant: false, tied };
  const r = byName.get(second.name) as readonly number[];
  const c = compareSamples(w, r, 'lower', { alpha, thresholdPct: 0 });
  // p is Mann-Whitney's (NaN only for an empty set, refused above).
  return {
    ranked,
    winner: first.name,
    runnerUp: second.name,
    margin: ratioOfMedians(r, w),
    p: c.p,
    tooFew: tooFewSamples(w.length, r.length, alpha),
    significant: worse(r),
    tied,
  };
}
