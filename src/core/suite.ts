/**
 * The suite (`conc lab all`) as data: which labs it runs (every lab of the
 * registry, broken ones included, narrowed by --only and --skip), a row per
 * lab, and the conc.suite/1 document (schema/conc.suite.schema.json). Pure:
 * hosts/suite.ts runs the labs, render/suite.ts draws the result.
 */
import { UsageError } from './errors.js';
import type { Machine } from '../measure/machine.js';
import { labsDir, type BrokenLab, type LoadedLab, type Registry } from './registry.js';
import { STATUS_RANK, SUITE_SCHEMA, type HostKind, type Report, type Status } from './report.js';

export { SUITE_SCHEMA };

/** A row of the suite: one selected lab. 'not-run': the suite was interrupted before it. */
export interface SuiteLab {
  id: number | null;
  slug: string;
  title: string | null;
  status: Status | 'not-run';
  /** The lab could not be loaded (registry.broken); it has no report. */
  broken: boolean;
  checks: { passed: number; failed: number; skipped: number };
  /** Wall time of the lab in its host, start to cleanup, as the suite saw it (ms); null if not run. */
  wallMs: number | null;
  headline: Report['headline'] | null;
  error: { name: string; message: string } | null;
}

/** The common options as given; null where each lab used its own default. */
export interface SuiteSettings {
  quick: boolean;
  repeat: number | null;
  warmup: number | null;
  seed: number;
  timeoutS: number | null;
  host: HostKind | null;
  only: number[] | null;
  skip: number[] | null;
}

export interface Suite {
  schema: typeof SUITE_SCHEMA;
  status: Status;
  startedAt: string;
  /** Wall time of the whole suite, ms. */
  durationMs: number;
  machine: Machine;
  settings: SuiteSettings;
  labs: SuiteLab[];
  counts: Record<Status | 'not-run', number>;
  reports: Report[];
}

/** A lab of the suite: one that loaded, or a broken one (a row without a report). */
export type SuiteItem = { kind: 'lab'; entry: LoadedLab } | { kind: 'broken'; broken: BrokenLab };

export const itemId = (it: SuiteItem): number | null => (it.kind === 'lab' ? it.entry.id : it.broken.id);
export const itemSlug = (it: SuiteItem): string => (it.kind === 'lab' ? it.entry.slug : it.broken.slug);

/** Every lab of the registry, broken ones included, by id (then slug); UsageError when there is none. */
export function suiteItems(reg: Registry): SuiteItem[] {
  const all: SuiteItem[] = [
    ...reg.labs.map((entry): SuiteItem => ({ kind: 'lab', entry })),
    ...reg.broken.map((broken): SuiteItem => ({ kind: 'broken', broken })),
  ].sort((a, b) => (itemId(a) ?? 1e9) - (itemId(b) ?? 1e9) || itemSlug(a).localeCompare(itemSlug(b)));
  if (!all.length) throw new UsageError(`no labs found in ${labsDir()} (not built? run npm run build)`);
  return all;
}

/** Resolve "1,2,speed-it-up" (--only, --skip) against the labs, broken ones included; UsageError on an unknown one. */
export function selectIds(flag: string, raw: string, items: readonly SuiteItem[]): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`${flag} must be a comma-separated list of lab ids or slugs, got "${raw}"`);
  const known = items.map((it) => `${itemId(it) ?? '?'} ${itemSlug(it)}`).join(', ');
  return parts.map((p) => {
    const byId = /^\d+$/.test(p) ? Number(p) : null;
    const hit = items.find((it) => (byId !== null ? itemId(it) === byId : itemSlug(it) === p));
    if (!hit) throw new UsageError(`${flag}: unknown lab "${p}"; labs: ${known || 'none found'} (see conc list)`);
    return itemId(hit) ?? -1;
  });
}

/** The labs --only and --skip leave (ids as selectIds gives them); UsageError when none is left. */
export function selectItems(items: readonly SuiteItem[], only: number[] | null, skip: number[] | null): SuiteItem[] {
  const selected = items.filter((it) => (only === null || only.includes(itemId(it) ?? -1)) && !(skip ?? []).includes(itemId(it) ?? -1));
  if (!selected.length) throw new UsageError('no labs selected: --only and --skip leave nothing to run');
  return selected;
}

/** --host for the whole suite: every selected lab must support it. */
export function checkSuiteHost(items: readonly SuiteItem[], host: HostKind | undefined): void {
  if (!host) return;
  for (const it of items) {
    if (it.kind !== 'lab') continue;
    const hosts = it.entry.lab.hosts ?? [it.entry.lab.host];
    if (!hosts.includes(host))
      throw new UsageError(
        `--host ${host} is not supported by lab ${it.entry.id} (${it.entry.slug}), which runs in ${hosts.join(' or ')}; leave --host out or --skip ${it.entry.id}`,
      );
  }
}

export function countChecks(r: Report): SuiteLab['checks'] {
  return {
    passed: r.checks.filter((c) => c.ok && !c.skipped).length,
    failed: r.checks.filter((c) => !c.ok && !c.skipped).length,
    skipped: r.checks.filter((c) => c.skipped).length,
  };
}

const NO_CHECKS = (): SuiteLab['checks'] => ({ passed: 0, failed: 0, skipped: 0 });

/** The row of a lab that ran: its report's status, checks, headline and error, and its wall time. */
export function ranRow(entry: LoadedLab, report: Report, wallMs: number): SuiteLab {
  return {
    id: entry.id,
    slug: entry.slug,
    title: entry.lab.title,
    status: report.status,
    broken: false,
    checks: countChecks(report),
    wallMs,
    headline: report.headline ?? null,
    error: report.error ? { name: report.error.name, message: report.error.message } : null,
  };
}

/** The row of a lab that could not be loaded: an error, without a report. */
export function brokenRow(b: BrokenLab): SuiteLab {
  return {
    id: b.id,
    slug: b.slug,
    title: null,
    status: 'error',
    broken: true,
    checks: NO_CHECKS(),
    wallMs: null,
    headline: null,
    error: { name: 'BrokenLabError', message: b.problem },
  };
}

/** The row of a lab after the one Ctrl-C interrupted: listed, not run. */
export function notRunRow(it: SuiteItem): SuiteLab {
  return {
    id: itemId(it),
    slug: itemSlug(it),
    title: it.kind === 'lab' ? it.entry.lab.title : null,
    status: 'not-run',
    broken: it.kind === 'broken',
    checks: NO_CHECKS(),
    wallMs: null,
    headline: null,
    error: null,
  };
}

/** The suite's status: the worst of the labs that ran (a broken lab is an error); ok when none did. */
export function suiteStatus(rows: readonly SuiteLab[]): Status {
  const ran = rows.filter((r): r is SuiteLab & { status: Status } => r.status !== 'not-run');
  return ran.reduce<Status>((w, r) => (STATUS_RANK[r.status] > STATUS_RANK[w] ? r.status : w), 'ok');
}

/** How many labs ended in each status. */
export function statusCounts(rows: readonly SuiteLab[]): Suite['counts'] {
  const counts: Suite['counts'] = { ok: 0, failed: 0, error: 0, timeout: 0, interrupted: 0, 'not-run': 0 };
  for (const r of rows) counts[r.status]++;
  return counts;
}
