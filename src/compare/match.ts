/**
 * How files, labs, metrics and variants are matched: canonical keys (a
 * variant's labels in any order, outputs as canonical JSON), and the
 * indexes of one file by lab and of one report by metric, with a warning
 * for anything held twice (the first one is used).
 */
import type { Variant } from '../core/report.js';
import type { InputFile, InputMetric, InputReport } from './model.js';

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

/** A lab's key: its id (zero-padded, so keys sort by id) and slug. */
export const labKey = (r: { lab: { id: number; slug: string } }): string => `${String(r.lab.id).padStart(3, '0')} ${r.lab.slug}`;

/** A metric's key within a lab: name, unit and canonical variant. */
export const metricKey = (m: InputMetric): string => `${m.name}\u0000${m.unit}\u0000${canonicalVariant(m.variant)}`;

/** One file's reports by lab key; a lab held twice keeps its first report and warns. */
export function reportsByLab(f: InputFile, warn: (w: string) => void): Map<string, InputReport> {
  const m = new Map<string, InputReport>();
  for (const r of f.reports) {
    if (m.has(labKey(r))) warn(`${f.label} holds lab ${r.lab.id} (${r.lab.slug}) more than once; the first report is used`);
    else m.set(labKey(r), r);
  }
  return m;
}

/** One report's metrics by key (none when the lab is not in the file); a metric recorded twice keeps the first and warns. */
export function metricsByKey(r: InputReport | undefined, label: string, warn: (w: string) => void): Map<string, InputMetric> {
  const m = new Map<string, InputMetric>();
  if (!r) return m;
  for (const x of r.metrics) {
    if (m.has(metricKey(x)))
      warn(`${label}: lab ${r.lab.id} (${r.lab.slug}) records metric "${x.name}" ${variantLabel(x.variant) || '(no variant)'} twice; the first is used`);
    else m.set(metricKey(x), x);
  }
  return m;
}

/** The keys of several maps, in order of first appearance. */
export function unionKeys<V>(maps: readonly Map<string, V>[]): string[] {
  return [...new Set(maps.flatMap((m) => [...m.keys()]))];
}

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
