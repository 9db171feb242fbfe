/**
 * Comparison of reports from several runs or machines: which metrics match,
 * how their medians moved, whether the move is real (Mann-Whitney U), what it
 * means for the metric (better or worse), and whether deterministic outputs
 * agree. Pure: no clock, no I/O; the CLI reads the files and hands them here.
 *
 * Vocabulary. The first file is the base; every later file is compared with
 * it. A metric is identified by (lab, metric name, unit, variant), the variant
 * by a canonical key that ignores the order of its labels.
 */
import type { Better, Status, Variant } from '../core/report.js';
import { formatBytes, type Machine } from './machine.js';
import { mannWhitneyU } from './mann-whitney.js';
import { ciMedian, geomean, median } from './stats.js';

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

/** Canonical key of a variant: its labels sorted by name, so {a, b} and {b, a} match. */
export function canonicalVariant(v: Variant): string {
  return JSON.stringify(
    Object.keys(v)
      .sort()
      .map((k) => [k, v[k]]),
  );
}

/** A variant for people: "executor=piscina workers=2", in the author's order; "" when empty. */
export function variantLabel(v: Variant): string {
  return Object.entries(v)
    .map(([k, x]) => `${k}=${String(x)}`)
    .join(' ');
}

/** Deterministic JSON of any value (object keys sorted), for equality of outputs. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

// ---------------------------------------------------------------------------
// Comparing whole files

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

/** One file: a report or a suite, already read and checked by the caller. */
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
  summary: {
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
  };
}

const labKey = (r: { lab: { id: number; slug: string } }): string => `${String(r.lab.id).padStart(3, '0')} ${r.lab.slug}`;
const metricKey = (m: InputMetric): string => `${m.name}\u0000${m.unit}\u0000${canonicalVariant(m.variant)}`;

/** Ran to the end (a check may have failed): its outputs mean something. */
const ranToEnd = (s: Status): boolean => s === 'ok' || s === 'failed';

/** How the options and seed of r differ from base's, e.g. "count 1000 → 10, seed 1 → 2"; '' when equal. */
export function optionsDifference(base: InputReport, r: InputReport): string {
  const parts: string[] = [];
  const keys = [...new Set([...Object.keys(base.options), ...Object.keys(r.options)])];
  for (const k of keys) {
    const a = canonicalJson(base.options[k]);
    const b = canonicalJson(r.options[k]);
    if (a !== b) parts.push(`${k} ${a === 'null' ? '(none)' : a} → ${b === 'null' ? '(none)' : b}`);
  }
  if (base.seed !== r.seed) parts.push(`seed ${base.seed} → ${r.seed}`);
  return parts.join(', ');
}

const MACHINE_FIELDS: { key: string; label: string; get: (m: Machine) => string }[] = [
  { key: 'cpuModel', label: 'CPU', get: (m) => m.cpuModel },
  { key: 'logicalCores', label: 'cores', get: (m) => `${m.logicalCores} (${m.availableParallelism} available)` },
  { key: 'cpuQuota', label: 'CPU quota', get: (m) => (m.cpuQuota === null ? 'none' : `${+m.cpuQuota.toFixed(2)} CPUs`) },
  { key: 'effectiveCores', label: 'effective cores', get: (m) => String(m.effectiveCores) },
  {
    key: 'memoryBytes',
    label: 'memory',
    get: (m) => `${formatBytes(m.memoryBytes)}${m.memoryLimitBytes ? ` (limit ${formatBytes(m.memoryLimitBytes)})` : ''}`,
  },
  { key: 'os', label: 'OS', get: (m) => `${m.os} ${m.arch}` },
  { key: 'node', label: 'Node', get: (m) => m.node },
  { key: 'v8', label: 'V8', get: (m) => m.v8 },
  { key: 'uvThreadpoolSize', label: 'UV_THREADPOOL_SIZE', get: (m) => String(m.uvThreadpoolSize) },
];

/** The machines side by side, field by field, with the fields that differ marked. */
export function compareMachines(machines: readonly (Machine | null)[]): MachineField[] {
  return MACHINE_FIELDS.map((f) => {
    const values = machines.map((m) => {
      if (!m) return '?';
      try {
        return f.get(m);
      } catch {
        return '?'; // a field missing from an older or hand-made file
      }
    });
    return { key: f.key, label: f.label, values, differs: new Set(values).size > 1 };
  });
}

/** Match the metrics of every file against the first, with statistics; see the types above. */
export function compareFiles(files: readonly InputFile[], settings: CompareSettings = DEFAULT_SETTINGS): Comparison {
  const labels = files.map((f) => f.label);
  const warnings: string[] = [];
  // Per file: lab key -> report (the first one when a file holds a lab twice).
  const byLab = files.map((f) => {
    const m = new Map<string, InputReport>();
    for (const r of f.reports) {
      if (m.has(labKey(r))) warnings.push(`${f.label} holds lab ${r.lab.id} (${r.lab.slug}) more than once; the first report is used`);
      else m.set(labKey(r), r);
    }
    return m;
  });
  const labKeys = [...new Set(byLab.flatMap((m) => [...m.keys()]))].sort();

  const rows: CompareRow[] = [];
  const geomeans: GeomeanRow[] = [];
  const unmatched: UnmatchedMetric[] = [];
  const outputs: OutputDifference[] = [];
  const labs: LabPresence[] = [];

  for (const lk of labKeys) {
    const reps = byLab.map((m) => m.get(lk));
    const any = reps.find((r) => r !== undefined) as InputReport;
    const id = any.lab.id;
    const slug = any.lab.slug;
    const base = reps[0];
    labs.push({
      lab: id,
      slug,
      status: reps.map((r) => r?.status ?? null),
      optionsDiffer: reps.map((r) => (r && base && r !== base ? optionsDifference(base, r) : '')),
    });

    // Metrics per file, keyed; duplicates inside one report keep the first.
    const metricMaps = reps.map((r, i) => {
      const m = new Map<string, InputMetric>();
      for (const x of r?.metrics ?? []) {
        if (m.has(metricKey(x)))
          warnings.push(`${labels[i]}: lab ${id} (${slug}) records metric "${x.name}" ${variantLabel(x.variant) || '(no variant)'} twice; the first is used`);
        else m.set(metricKey(x), x);
      }
      return m;
    });
    const keys = [...new Set(metricMaps.flatMap((m) => [...m.keys()]))];

    const labRows: CompareRow[] = [];
    for (const key of keys) {
      const ms = metricMaps.map((m) => m.get(key));
      const present = ms.map((m) => m !== undefined);
      const first = ms.find((m) => m !== undefined) as InputMetric;
      if (present.some((p) => !p)) {
        unmatched.push({
          lab: id,
          slug,
          metric: first.name,
          unit: first.unit,
          variant: first.variant,
          in: labels.filter((_, i) => present[i]),
          missing: labels.filter((_, i) => !present[i]),
        });
      }
      const bm = ms[0];
      if (!bm || present.filter(Boolean).length < 2) continue;
      if (ms.some((m) => m && m.better !== bm.better))
        warnings.push(`lab ${id} (${slug}) metric "${bm.name}": "better" differs between files; ${labels[0]}'s (${bm.better}) is used`);
      const row: CompareRow = {
        lab: id,
        slug,
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
      for (let i = 1; i < ms.length; i++) {
        const m = ms[i];
        if (!m) {
          row.change.push(null);
          row.p.push(null);
          row.significant.push(null);
          row.verdict.push(null);
          row.regression.push(null);
          continue;
        }
        const c = compareSamples(bm.samples, m.samples, bm.better, settings);
        row.change.push(c.change);
        row.p.push(Number.isNaN(c.p) ? null : c.p);
        row.significant.push(c.significant);
        row.verdict.push(c.verdict);
        row.regression.push(c.regression);
      }
      labRows.push(row);
    }
    rows.push(...labRows);

    if (labRows.length) {
      const g: GeomeanRow = { lab: id, slug, ratio: [1], change: [null], n: [labRows.length], better: 'lower', oriented: false };
      for (let i = 1; i < files.length; i++) {
        const items = labRows
          .filter((r) => r.medians[0] !== null && r.medians[i] !== null && r.medians[i] !== undefined)
          .map((r) => ({ ratio: (r.medians[i] as number) / (r.medians[0] as number), better: r.better }));
        const gm = geomeanOfRatios(items);
        g.ratio.push(gm.ratio);
        g.change.push(gm.ratio === null ? null : (gm.ratio - 1) * 100);
        g.n.push(gm.n);
        g.better = gm.better;
        g.oriented = g.oriented || gm.oriented;
      }
      geomeans.push(g);
    }

    // Outputs: equal for the same seed and options, on every machine. Only
    // reports that ran to the end are compared (an error leaves outputs empty).
    if (base && ranToEnd(base.status)) {
      for (let i = 1; i < reps.length; i++) {
        const r = reps[i];
        if (!r || !ranToEnd(r.status)) continue;
        const why = optionsDifference(base, r);
        for (const key of [...new Set([...Object.keys(base.outputs), ...Object.keys(r.outputs)])]) {
          const inBase = key in base.outputs;
          const inFile = key in r.outputs;
          if (inBase && inFile && canonicalJson(base.outputs[key]) === canonicalJson(r.outputs[key])) continue;
          const diff: OutputDifference = {
            lab: id,
            slug,
            key,
            file: labels[i] as string,
            index: i,
            base: inBase ? base.outputs[key] : null,
            value: inFile ? r.outputs[key] : null,
            missingIn: !inBase ? 'base' : !inFile ? 'file' : null,
            comparable: why === '',
          };
          if (why) diff.reason = `options differ: ${why}`;
          outputs.push(diff);
        }
      }
    }
  }

  const verdicts = rows.flatMap((r) => r.verdict.slice(1)).filter((v): v is Verdict => v !== null);
  const count = (v: Verdict): number => verdicts.filter((x) => x === v).length;
  return {
    settings: { ...settings },
    files: labels,
    rows,
    geomeans,
    unmatched,
    outputs,
    labs,
    machines: compareMachines(files.map((f) => f.machine)),
    warnings,
    summary: {
      rows: rows.length,
      better: count('better'),
      worse: count('worse'),
      unchanged: count('unchanged'),
      belowThreshold: count('below-threshold'),
      tooFew: count('too-few'),
      unmatched: unmatched.length,
      correctness: outputs.filter((o) => o.comparable).length,
      regressions: count('worse'),
    },
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
