/**
 * Comparing whole files (reports and suites from any machine): every lab
 * that is in any file (lab.ts), the machines (machines.ts), the warnings and
 * a summary. Pure: no clock, no I/O; read.ts reads and checks the files.
 */
import { DEFAULT_SETTINGS, type CompareSettings, type Verdict } from '../measure/compare.js';
import { compareLab } from './lab.js';
import { compareMachines } from './machines.js';
import { reportsByLab } from './match.js';
import type { CompareRow, CompareSummary, Comparison, InputFile, OutputDifference, UnmatchedMetric } from './model.js';

/** Counts of the verdicts of every later file, the unmatched metrics and the output differences. */
export function summarize(rows: readonly CompareRow[], unmatched: readonly UnmatchedMetric[], outputs: readonly OutputDifference[]): CompareSummary {
  const verdicts = rows.flatMap((r) => r.verdict.slice(1)).filter((v): v is Verdict => v !== null);
  const count = (v: Verdict): number => verdicts.filter((x) => x === v).length;
  return {
    rows: rows.length,
    better: count('better'),
    worse: count('worse'),
    unchanged: count('unchanged'),
    belowThreshold: count('below-threshold'),
    tooFew: count('too-few'),
    unmatched: unmatched.length,
    correctness: outputs.filter((o) => o.comparable).length,
    regressions: count('worse'),
  };
}

/** Match the metrics of every file against the first, with statistics; labs in order of id. */
export function compareFiles(files: readonly InputFile[], settings: CompareSettings = DEFAULT_SETTINGS): Comparison {
  const labels = files.map((f) => f.label);
  const warnings: string[] = [];
  const warn = (w: string): void => void warnings.push(w);
  const byLab = files.map((f) => reportsByLab(f, warn));
  const labKeys = [...new Set(byLab.flatMap((m) => [...m.keys()]))].sort();
  const labs = labKeys.map((lk) => compareLab(byLab.map((m) => m.get(lk)), labels, settings, warn));
  const rows = labs.flatMap((l) => l.rows);
  const unmatched = labs.flatMap((l) => l.unmatched);
  const outputs = labs.flatMap((l) => l.outputs);
  return {
    settings: { ...settings },
    files: labels,
    rows,
    geomeans: labs.flatMap((l) => (l.geomean ? [l.geomean] : [])),
    unmatched,
    outputs,
    labs: labs.map((l) => l.presence),
    machines: compareMachines(files.map((f) => f.machine)),
    warnings,
    summary: summarize(rows, unmatched, outputs),
  };
}

/**
 * Should `--fail-on-regression` fail? Yes on a significant change beyond the
 * threshold in the wrong direction, and on a deterministic output that differs
 * between runs with the same options and seed (wrong results are the worst
 * regression). Returns the reasons, empty when there is none.
 */
export function regressionReasons(c: Comparison): string[] {
  const out: string[] = [];
  if (c.summary.regressions) out.push(`${c.summary.regressions} significant regression${c.summary.regressions > 1 ? 's' : ''}`);
  if (c.summary.correctness) out.push(`${c.summary.correctness} output${c.summary.correctness > 1 ? 's' : ''} differ${c.summary.correctness > 1 ? '' : 's'} (a correctness problem)`);
  return out;
}
