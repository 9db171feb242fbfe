/**
 * One metric of one lab across the files: its row (medians, their ranges,
 * and each later file's change, p-value and verdict against the first), or
 * the note that some files lack it.
 */
import { compareSamples, type CompareSettings } from '../measure/compare.js';
import { ciMedian, median } from '../measure/stats.js';
import type { CompareRow, InputMetric, UnmatchedMetric } from './model.js';

type Lab = { id: number; slug: string };

/** The metric as found in each file (undefined where missing): unmatched when any file lacks it. */
export function unmatchedMetric(lab: Lab, ms: readonly (InputMetric | undefined)[], labels: readonly string[]): UnmatchedMetric | null {
  if (ms.every((m) => m !== undefined)) return null;
  const first = ms.find((m) => m !== undefined) as InputMetric;
  return {
    lab: lab.id,
    slug: lab.slug,
    metric: first.name,
    unit: first.unit,
    variant: first.variant,
    in: labels.filter((_, i) => ms[i] !== undefined),
    missing: labels.filter((_, i) => ms[i] === undefined),
  };
}

/**
 * The row of a metric: null unless the first file has it and at least one
 * other does. Its `better` is the first file's (a warning when they differ).
 */
export function compareMetric(
  lab: Lab,
  ms: readonly (InputMetric | undefined)[],
  labels: readonly string[],
  settings: CompareSettings,
  warn: (w: string) => void,
): CompareRow | null {
  const bm = ms[0];
  if (!bm || ms.filter((m) => m !== undefined).length < 2) return null;
  if (ms.some((m) => m && m.better !== bm.better))
    warn(`lab ${lab.id} (${lab.slug}) metric "${bm.name}": "better" differs between files; ${labels[0]}'s (${bm.better}) is used`);
  const row: CompareRow = {
    lab: lab.id,
    slug: lab.slug,
    metric: bm.name,
    unit: bm.unit,
    better: bm.better,
    variant: bm.variant,
    n: ms.map((m) => (m ? m.samples.length : null)),
    medians: ms.map((m) => (m && m.samples.length ? median(m.samples) : null)),
    ranges: ms.map((m) => {
      if (!m || !m.samples.length) return null;
      const ci = ciMedian(m.samples);
      return { low: ci.low, high: ci.high };
    }),
    change: [null],
    p: [null],
    significant: [null],
    verdict: [null],
    regression: [null],
  };
  for (const m of ms.slice(1)) {
    const c = m ? compareSamples(bm.samples, m.samples, bm.better, settings) : null;
    row.change.push(c ? c.change : null);
    row.p.push(c && !Number.isNaN(c.p) ? c.p : null);
    row.significant.push(c ? c.significant : null);
    row.verdict.push(c ? c.verdict : null);
    row.regression.push(c ? c.regression : null);
  }
  return row;
}
