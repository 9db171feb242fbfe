/**
 * The suite runner (`conc lab all`): every selected lab in order, each in its
 * own host with its own defaults and --timeout. A lab that fails, throws,
 * times out or is broken is a row of the suite, never the end of it; an
 * abort (Ctrl-C) stops it: the running lab's host kills what it started, and
 * the labs after it are listed as not run. Prints nothing: the caller shows
 * progress through the hooks and renders the suite.
 */
import { performance } from 'node:perf_hooks';
import { toSerializedError } from '../core/errors.js';
import { resolveLabOptions, type LabInvocation, type RunSettings } from '../core/invocation.js';
import type { LoadedLab } from '../core/registry.js';
import { emptyReport, type Report } from '../core/report.js';
import {
  SUITE_SCHEMA,
  brokenRow,
  notRunRow,
  ranRow,
  statusCounts,
  suiteStatus,
  type Suite,
  type SuiteItem,
  type SuiteLab,
} from '../core/suite.js';
import { machine } from '../measure/machine.js';
import { runInvocation } from './run-lab.js';

/** What the caller shows while a lab runs (a spinner on a terminal). */
export interface LabProgress {
  update(text: string, fraction?: number): void;
  stop(): void;
}

export interface SuiteHooks {
  /** Aborted on Ctrl-C: the running lab is interrupted, the rest are not run. */
  signal?: AbortSignal;
  /** A lab starts: what receives its progress (stopped when it ends). */
  onLabStart?: (entry: LoadedLab) => LabProgress | Promise<LabProgress>;
  /** A lab's row is done (report: null for a broken lab). Not called for labs not run. */
  onLabEnd?: (row: SuiteLab, report: Report | null) => void;
  /** Runs one lab; the seam for tests (default: runInvocation, the lab in its host). */
  run?: (inv: LabInvocation, hooks: { signal?: AbortSignal; onProgress?: (text: string, fraction?: number) => void }) => Promise<Report>;
}

export interface SuiteRun {
  /** The selected labs, in the order they run. */
  items: readonly SuiteItem[];
  /** The common options as given (undefined: each lab's default). */
  common: RunSettings;
  /** Lab ids of --only and --skip, as recorded in the suite's settings. */
  only: number[] | null;
  skip: number[] | null;
}

/** A report for a lab whose run could not even start (runInvocation itself never throws). */
function notStartedReport(entry: LoadedLab, common: RunSettings, e: unknown, ms: number): Report {
  return emptyReport(
    {
      lab: entry.lab,
      options: { quick: common.quick },
      seed: common.seed,
      host: common.host ?? entry.lab.host,
      machine: machine(),
      startedAt: new Date(Date.now() - ms).toISOString(),
      durationMs: ms,
    },
    'error',
    toSerializedError(e),
  );
}

const NO_PROGRESS: LabProgress = { update: () => {}, stop: () => {} };

async function runOne(entry: LoadedLab, common: RunSettings, hooks: SuiteHooks): Promise<{ row: SuiteLab; report: Report }> {
  const progress = (await hooks.onLabStart?.(entry)) ?? NO_PROGRESS;
  const run = hooks.run ?? runInvocation;
  const t0 = performance.now();
  let report: Report;
  try {
    // A default computed by the lab (e.g. from the machine) may throw: that lab errors, the suite goes on.
    const options = resolveLabOptions(entry.lab, {}, common.quick);
    report = await run(
      { entry, options, common },
      { ...(hooks.signal ? { signal: hooks.signal } : {}), onProgress: (t, f) => progress.update(t, f) },
    );
  } catch (e) {
    report = notStartedReport(entry, common, e, performance.now() - t0);
  } finally {
    progress.stop();
  }
  return { row: ranRow(entry, report, performance.now() - t0), report };
}

/** Run the selected labs one after another; always resolves with the suite. */
export async function runSuite(s: SuiteRun, hooks: SuiteHooks = {}): Promise<Suite> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const rows: SuiteLab[] = [];
  const reports: Report[] = [];
  for (const it of s.items) {
    if (hooks.signal?.aborted) {
      rows.push(notRunRow(it));
      continue;
    }
    if (it.kind === 'broken') {
      const row = brokenRow(it.broken);
      rows.push(row);
      hooks.onLabEnd?.(row, null);
      continue;
    }
    const { row, report } = await runOne(it.entry, s.common, hooks);
    reports.push(report);
    rows.push(row);
    hooks.onLabEnd?.(row, report);
  }
  const c = s.common;
  return {
    schema: SUITE_SCHEMA,
    status: suiteStatus(rows),
    startedAt,
    durationMs: performance.now() - t0,
    machine: machine(),
    settings: {
      quick: c.quick,
      repeat: c.repeat ?? null,
      warmup: c.warmup ?? null,
      seed: c.seed,
      timeoutS: c.timeoutMs === undefined ? null : c.timeoutMs / 1000,
      host: c.host ?? null,
      only: s.only,
      skip: s.skip,
    },
    labs: rows,
    counts: statusCounts(rows),
    reports,
  };
}
