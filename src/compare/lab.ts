/**
 * One lab across the files: where it is and how it ran (status, options
 * against the first file's), a row per metric, the geomean of its median
 * ratios, the metrics not in every file, and the deterministic outputs that
 * differ from the first file's.
 */
import type { Status } from '../core/report.js';
import { geomeanOfRatios, type CompareSettings } from '../measure/compare.js';
import { canonicalJson, metricsByKey, optionsDifference, unionKeys } from './match.js';
import { compareMetric, unmatchedMetric } from './metric.js';
import type { CompareRow, GeomeanRow, InputReport, LabPresence, OutputDifference, UnmatchedMetric } from './model.js';

export interface LabComparison {
  presence: LabPresence;
  rows: CompareRow[];
  /** null when no metric of the lab was compared. */
  geomean: GeomeanRow | null;
  unmatched: UnmatchedMetric[];
  outputs: OutputDifference[];
}

/** Ran to the end (a check may have failed): its outputs mean something. */
const ranToEnd = (s: Status): boolean => s === 'ok' || s === 'failed';

/** The geomean row of a lab's compared metrics: per later file, the geomean of its median ratios to the first. */
export function geomeanRow(rows: readonly CompareRow[], files: number): GeomeanRow {
  const first = rows[0] as CompareRow;
  const g: GeomeanRow = { lab: first.lab, slug: first.slug, ratio: [1], change: [null], n: [rows.length], better: 'lower', oriented: false };
  for (let i = 1; i < files; i++) {
    const items = rows
      .filter((r) => r.medians[0] !== null && r.medians[i] !== null && r.medians[i] !== undefined)
      .map((r) => ({ ratio: (r.medians[i] as number) / (r.medians[0] as number), better: r.better }));
    const gm = geomeanOfRatios(items);
    g.ratio.push(gm.ratio);
    g.change.push(gm.ratio === null ? null : (gm.ratio - 1) * 100);
    g.n.push(gm.n);
    g.better = gm.better;
    g.oriented = g.oriented || gm.oriented;
  }
  return g;
}

/**
 * Outputs that differ from the first file's: equal for the same seed and
 * options on every machine, so a difference there is a correctness problem.
 * Only reports that ran to the end are compared (an error leaves outputs empty).
 */
export function outputDifferences(reps: readonly (InputReport | undefined)[], labels: readonly string[]): OutputDifference[] {
  const base = reps[0];
  const out: OutputDifference[] = [];
  if (!base || !ranToEnd(base.status)) return out;
  for (let i = 1; i < reps.length; i++) {
    const r = reps[i];
    if (!r || !ranToEnd(r.status)) continue;
    const why = optionsDifference(base, r);
    for (const key of [...new Set([...Object.keys(base.outputs), ...Object.keys(r.outputs)])]) {
      const inBase = key in base.outputs;
      const inFile = key in r.outputs;
      if (inBase && inFile && canonicalJson(base.outputs[key]) === canonicalJson(r.outputs[key])) continue;
      const diff: OutputDifference = {
        lab: base.lab.id,
        slug: base.lab.slug,
        key,
        file: labels[i] as string,
        index: i,
        base: inBase ? base.outputs[key] : null,
        value: inFile ? r.outputs[key] : null,
        missingIn: !inBase ? 'base' : !inFile ? 'file' : null,
        comparable: why === '',
      };
      if (why) diff.reason = `options differ: ${why}`;
      out.push(diff);
    }
  }
  return out;
}

/** Compare one lab: its report in each file (undefined where the file lacks it; at least one is there). */
export function compareLab(
  reps: readonly (InputReport | undefined)[],
  labels: readonly string[],
  settings: CompareSettings,
  warn: (w: string) => void,
): LabComparison {
  const any = reps.find((r) => r !== undefined) as InputReport;
  const lab = { id: any.lab.id, slug: any.lab.slug };
  const base = reps[0];
  const presence: LabPresence = {
    lab: lab.id,
    slug: lab.slug,
    status: reps.map((r) => r?.status ?? null),
    optionsDiffer: reps.map((r) => (r && base && r !== base ? optionsDifference(base, r) : '')),
  };
  const metrics = reps.map((r, i) => metricsByKey(r, labels[i] as string, warn));
  const rows: CompareRow[] = [];
  const unmatched: UnmatchedMetric[] = [];
  for (const key of unionKeys(metrics)) {
    const ms = metrics.map((m) => m.get(key));
    const u = unmatchedMetric(lab, ms, labels);
    if (u) unmatched.push(u);
    const row = compareMetric(lab, ms, labels, settings, warn);
    if (row) rows.push(row);
  }
  return {
    presence,
    rows,
    geomean: rows.length ? geomeanRow(rows, labels.length) : null,
    unmatched,
    outputs: outputDifferences(reps, labels),
  };
}
