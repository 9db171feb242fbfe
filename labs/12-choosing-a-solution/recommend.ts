/**
 * The recommendation for one workload, from its measurements alone, and the
 * check that a printed recommendation follows from the measurements it
 * cites. Both pure (samples in, verdict out), so tests can feed them
 * hand-made sample sets, a wrong recommender or swapped data.
 *
 * The rule: the winner is the model with the lowest median time. If it is
 * significantly faster than the runner-up (Mann-Whitney, p <= alpha, with
 * enough samples for p to reach alpha at all), use it. Otherwise the top
 * models are indistinguishable: use the simplest (models.ts, SIMPLICITY) of
 * the top models, those ranked above the first one that is significantly
 * slower than the winner.
 */
import { tooFewSamples } from '../../src/measure/compare.js';
import { mannWhitneyU } from '../../src/measure/mann-whitney.js';
import { median, ratioOfMedians } from '../../src/measure/stats.js';
import { standings, type Margin } from '../../src/measure/winner.js';
import { MODEL_LABEL, MODEL_SHORT, SIMPLICITY, type ModelId } from './models.js';

export interface Measured {
  model: ModelId;
  /** Times of one batch, ms. */
  samples: readonly number[];
}

export interface Recommendation {
  workload: string;
  /** 'winner': significantly faster than the runner-up; 'indistinguishable': not (or too few samples to tell). */
  verdict: 'winner' | 'indistinguishable';
  /** The model to use. */
  model: ModelId;
  /** Lowest median. */
  winner: ModelId;
  runnerUp: ModelId | null;
  /** median(runner-up) / median(winner), with its range. */
  margin: Margin | null;
  /** Mann-Whitney p of winner against runner-up. */
  p: number | null;
  /** Too few samples in that pair for p to reach alpha. */
  tooFew: boolean;
  /** The top models: ranked above the first significantly slower than the winner (the winner included), simplest first. */
  tied: ModelId[];
}

/** Samples in, recommendation out: the seam a fault test replaces with a wrong one. */
export type Recommender = (workload: string, measured: readonly Measured[], alpha: number) => Recommendation;

const bySimplicity = (a: ModelId, b: ModelId): number => SIMPLICITY.indexOf(a) - SIMPLICITY.indexOf(b);

export const recommend: Recommender = (workload, measured, alpha) => {
  // Simplest first, so that equal medians rank the simpler model higher.
  const sets = [...measured].sort((a, b) => bySimplicity(a.model, b.model)).map((m) => ({ name: m.model, samples: m.samples }));
  const s = standings(sets, alpha);
  const tied = [...s.tied].sort(bySimplicity);
  const verdict = s.runnerUp === null || s.significant ? 'winner' : 'indistinguishable';
  return {
    workload,
    verdict,
    model: verdict === 'winner' ? s.winner : (tied[0] as ModelId),
    winner: s.winner,
    runnerUp: s.runnerUp,
    margin: s.margin,
    p: s.p,
    tooFew: s.tooFew,
    tied,
  };
};

/** p as printed: two significant digits, "<0.001" below. */
export const fmtP = (p: number | null): string => (p === null || Number.isNaN(p) ? '–' : p < 0.001 ? '<0.001' : p.toPrecision(2));
/** "p=0.38", "p<0.001". */
export const pIs = (p: number | null): string => (p !== null && p < 0.001 ? 'p<0.001' : `p=${fmtP(p)}`);
/** Two decimals below 10, one below 100, none above. */
export const fmtX = (x: number): string => (!Number.isFinite(x) ? String(x) : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
/** "1.9x (1.4-2.6)". */
export const fmtMargin = (m: Margin | null): string => (m ? `${fmtX(m.ratio)}x (${fmtX(m.low)}-${fmtX(m.high)})` : '–');

/** Why: the figures the recommendation rests on, in a few words. */
export function because(r: Recommendation, alpha: number): string {
  const L = (m: ModelId): string => MODEL_LABEL[m];
  if (r.runnerUp === null) return 'the only model measured';
  if (r.verdict === 'winner') return `${fmtMargin(r.margin)} faster than ${L(r.runnerUp)}, ${pIs(r.p)}`;
  const why = r.tooFew ? 'too few runs to tell' : pIs(r.p);
  const others = r.tied.filter((m) => m !== r.model).map(L);
  const list = others.length ? others.join(' and ') : L(r.runnerUp);
  return `indistinguishable from ${list} (${why}); simplest`;
}

const close = (a: number | null, b: number): boolean =>
  a !== null && (a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)));

/**
 * Does the recommendation follow from the measurements? Checked claim by
 * claim, from the samples, without the recommender's code: the winner has
 * the lowest median and the runner-up the next; the margin and p are the
 * pair's; a "winner" is significantly faster than the runner-up; an
 * "indistinguishable" pair is not, and the model to use is the simplest of
 * the top models: not significantly slower than the winner, and no model
 * with a lower median is. `detail` cites the figures, or says which claim
 * fails.
 */
export function followsFrom(r: Recommendation, measured: readonly Measured[], alpha: number): { ok: boolean; detail: string } {
  const L = (m: ModelId | null): string => (m ? MODEL_SHORT[m] : 'none');
  const fail = (why: string): { ok: false; detail: string } => ({ ok: false, detail: `says ${L(r.model)}, but ${why}` });
  const samples = new Map(measured.map((m) => [m.model, m.samples]));
  const med = (m: ModelId): number => median(samples.get(m) ?? []);
  const w = samples.get(r.winner);
  if (!w?.length) return fail(`${L(r.winner)} (the winner) was not measured`);
  if (!samples.has(r.model)) return fail('that model was not measured');
  const faster = measured.find((m) => med(m.model) < med(r.winner));
  if (faster) return fail(`${L(faster.model)} beats ${L(r.winner)} (median)`);
  // Significantly slower than the winner: enough samples, p <= alpha, a higher median.
  const slower = (m: ModelId): boolean => {
    const x = samples.get(m) ?? [];
    return !tooFewSamples(w.length, x.length, alpha) && mannWhitneyU(w, x).p <= alpha && median(x) > median(w);
  };
  if (measured.length === 1) {
    const ok = r.model === r.winner && r.runnerUp === null;
    return ok ? { ok, detail: `${L(r.model)}: the only model measured` } : fail('one model was measured');
  }
  const rest = measured.filter((m) => m.model !== r.winner);
  if (r.runnerUp === null || !samples.has(r.runnerUp) || r.runnerUp === r.winner) return fail('no runner-up cited');
  const second = rest.find((m) => med(m.model) < med(r.runnerUp as ModelId));
  if (second) return fail(`${L(second.model)} is the runner-up`);
  const ru = samples.get(r.runnerUp) as readonly number[];
  const p = mannWhitneyU(w, ru).p;
  const margin = ratioOfMedians(ru, w);
  if (!close(r.p, p)) return fail(`p is ${fmtP(p)}, not ${fmtP(r.p)}`);
  if (!r.margin || !close(r.margin.ratio, margin.ratio)) return fail(`the margin is ${fmtX(margin.ratio)}x`);
  if (r.verdict === 'winner') {
    if (r.model !== r.winner) return fail(`${L(r.winner)} won`);
    if (!slower(r.runnerUp)) {
      const few = tooFewSamples(w.length, ru.length, alpha);
      return fail(few ? `n=${w.length} vs ${ru.length} cannot reach ${alpha}` : `${pIs(p)} > ${alpha}`);
    }
    return { ok: true, detail: `${L(r.winner)} ${fmtMargin(margin)} over ${L(r.runnerUp)}, ${pIs(p)}` };
  }
  if (slower(r.runnerUp)) return fail(`${L(r.winner)} won, ${pIs(p)}`);
  // A top model: neither it nor any model with a lower median is significantly slower than the winner.
  const top = (m: ModelId): boolean => !slower(m) && !measured.some((x) => med(x.model) < med(m) && slower(x.model));
  if (slower(r.model)) return fail(`${L(r.winner)} is faster`);
  const above = measured.find((x) => med(x.model) < med(r.model) && slower(x.model));
  if (above) return fail(`${L(above.model)} is faster and ${L(r.winner)} beats it`);
  const simpler = SIMPLICITY.slice(0, SIMPLICITY.indexOf(r.model)).find((m) => samples.has(m) && top(m));
  if (simpler) return fail(`${L(simpler)} is as fast, simpler`);
  const why = tooFewSamples(w.length, ru.length, alpha) ? `n=${w.length} vs ${ru.length}` : `${fmtX(margin.ratio)}x, ${pIs(p)}`;
  return { ok: true, detail: `indistinguishable (${why}): ${L(r.model)}` };
}
