/**
 * What `conc compare` reads and what it finds, as types. The first file is
 * the base; every later file is compared with it. A metric is identified by
 * (lab, metric name, unit, variant), the variant by a canonical key that
 * ignores the order of its labels (match.ts).
 */
import type { Better, Status, Variant } from '../core/report.js';
import type { CompareSettings, Verdict } from '../measure/compare.js';
import type { Machine } from '../measure/machine.js';

/** What compare needs of a metric (a conc.report/1 metric has more). */
export interface InputMetric {
  name: string;
  unit: string;
  better: Better;
  variant: Variant;
  samples: number[];
}

/** What compare needs of a report. */
export interface InputReport {
  lab: { id: number; slug: string; title?: string };
  options: Record<string, unknown>;
  seed: number;
  status: Status;
  metrics: InputMetric[];
  outputs: Record<string, unknown>;
}

/** One file: a report or a suite, already read and checked (read.ts). */
export interface InputFile {
  label: string;
  machine: Machine | null;
  reports: InputReport[];
}

export interface CompareRow {
  lab: number;
  slug: string;
  metric: string;
  unit: string;
  better: Better;
  variant: Variant;
  /** Per file (index as in `files`); null where the metric is missing. */
  n: (number | null)[];
  medians: (number | null)[];
  /** The 95% CI of each median (order statistics), as a range. */
  ranges: ({ low: number; high: number } | null)[];
  /** Per file against the first (percent); null for the first file and where missing. */
  change: (number | null)[];
  p: (number | null)[];
  significant: (boolean | null)[];
  verdict: (Verdict | null)[];
  regression: (boolean | null)[];
}

export interface GeomeanRow {
  lab: number;
  slug: string;
  /** Per file: geomean of median ratios against the first (1 for the first file); null when none. */
  ratio: (number | null)[];
  /** Per file: (ratio - 1) * 100; null for the first file. */
  change: (number | null)[];
  /** Metrics that entered each ratio. */
  n: number[];
  better: Better;
  /** Higher-is-better ratios were inverted (the lab mixes both kinds). */
  oriented: boolean;
}

export interface UnmatchedMetric {
  lab: number;
  slug: string;
  metric: string;
  unit: string;
  variant: Variant;
  /** Labels of the files that have it, and of those that do not. */
  in: string[];
  missing: string[];
}

/** A deterministic output of a later file that differs from the first file's. */
export interface OutputDifference {
  lab: number;
  slug: string;
  key: string;
  /** The later file (its label) and its index in `files`. */
  file: string;
  index: number;
  /** The value in the first file and in this one; null where missing (see `missingIn`). */
  base: unknown;
  value: unknown;
  missingIn: 'base' | 'file' | null;
  /**
   * True when this file ran the lab with the same options and seed as the
   * first: then the difference is a correctness problem. False when the
   * options or seed differ, which may explain it (`reason` says how).
   */
  comparable: boolean;
  reason?: string;
}

export interface LabPresence {
  lab: number;
  slug: string;
  /** Per file: the report's status; null when the lab is not in that file. */
  status: (Status | null)[];
  /** Per file: how its options or seed differ from the first file's ('' when equal or absent). */
  optionsDiffer: string[];
}

export interface MachineField {
  key: string;
  label: string;
  values: string[];
  differs: boolean;
}

export interface CompareSummary {
  rows: number;
  better: number;
  worse: number;
  unchanged: number;
  belowThreshold: number;
  tooFew: number;
  unmatched: number;
  /** Output differences between runs with the same options and seed. */
  correctness: number;
  /** Significant changes beyond the threshold in the wrong direction. */
  regressions: number;
}

export interface Comparison {
  settings: CompareSettings;
  files: string[];
  rows: CompareRow[];
  geomeans: GeomeanRow[];
  unmatched: UnmatchedMetric[];
  outputs: OutputDifference[];
  labs: LabPresence[];
  machines: MachineField[];
  warnings: string[];
  summary: CompareSummary;
}
