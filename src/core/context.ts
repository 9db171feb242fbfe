/**
 * Builds the LabContext a lab's run() receives, and the report it fills.
 * Runs inside the lab's host (worker thread or child process), never in the CLI.
 */
import { setMaxListeners } from 'node:events';
import type { AnyLab, LabContext, LabResources, MetricInput } from './lab.js';
import type { OptionTable, OptionValues } from './options.js';
import { emptyReport, statusOf, type Check, type HostKind, type Report } from './report.js';
import { toSerializedError } from './errors.js';
import { createRng } from './rng.js';
import { machine } from '../measure/machine.js';
import { sample } from '../measure/sample.js';
import { summarize } from '../measure/stats.js';
import { nextMessage, sleep, waitForExit, withTimeout } from './wait.js';

export interface ContextInit {
  lab: AnyLab;
  options: Record<string, unknown>;
  common: { quick: boolean; repeat: number; warmup: number; seed: number };
  host: HostKind;
  tracker: LabResources;
  signal: AbortSignal;
  onProgress: (text: string, fraction?: number) => void;
  /**
   * Rejects when the lab's thread or process fails outside run()'s own
   * promise chain (an exception thrown from a timer, an unhandled rejection):
   * the run then ends as an error with that cause, after the usual cleanup.
   */
  fatal?: Promise<never>;
}

type AnyContext = LabContext<OptionValues<OptionTable>>;

export function createContext(init: ContextInit): { ctx: AnyContext; report: Report } {
  const { lab, options, common, tracker, signal } = init;
  // Every bound wait listens on the run's signal, and a lab with a worker per core waits on
  // more than Node's default of 10 at once (16 on a 16-core machine): no leak, so no warning.
  setMaxListeners(0, signal);
  const m = machine();
  const report: Report = emptyReport({
    lab,
    options: { ...options, quick: common.quick, repeat: common.repeat, warmup: common.warmup },
    seed: common.seed,
    host: init.host,
    machine: m,
    startedAt: new Date().toISOString(),
    durationMs: 0,
  });
  const addCheck = (c: Check): Check => {
    report.checks.push(c);
    return c;
  };
  const ctx: AnyContext = {
    options: options as OptionValues<OptionTable>,
    quick: common.quick,
    repeat: common.repeat,
    warmup: common.warmup,
    seed: common.seed,
    rng: createRng(common.seed),
    signal,
    machine: m,
    host: init.host,
    progress: init.onProgress,
    sample: (fn, o = {}) =>
      sample(fn, {
        warmup: o.warmup ?? common.warmup,
        repeat: o.repeat ?? common.repeat,
        minTimeMs: o.minTimeMs ?? 0,
        maxTimeMs: o.maxTimeMs ?? 30_000,
        signal,
      }),
    metric: (mi: MetricInput) => {
      if (mi.samples.length === 0) throw new Error(`metric ${mi.name} has no samples`);
      const summary = summarize(mi.samples);
      report.metrics.push({
        name: mi.name,
        unit: mi.unit,
        variant: mi.variant ?? {},
        better: mi.better,
        samples: [...mi.samples],
        summary,
      });
      return summary;
    },
    table: (t) => {
      const table = { ...t };
      report.tables.push(table);
      // A table ends a phase: say so to the progress display (labs that report no progress of their own show life this way).
      init.onProgress(`measured: ${t.title}`);
      return table;
    },
    chart: (c) => {
      report.charts.push(c);
    },
    check: (name, ok, detail) => addCheck({ name, ok: Boolean(ok), skipped: false, ...(detail ? { detail } : {}) }),
    skip: (name, reason) => addCheck({ name, ok: false, skipped: true, reason }),
    output: (key, value) => {
      report.outputs[key] = value;
    },
    note: (text) => {
      report.notes.push(text);
    },
    headline: (label, value, unit) => {
      report.headline = unit === undefined ? { label, value } : { label, value, unit };
    },
    gpu: (info) => {
      report.gpu = { ...info, skipped: info.skipped.map((s) => ({ ...s })) };
    },
    worker: (file, o) => tracker.worker(file, o),
    fork: (file, args, o) => tracker.fork(file, args, o),
    spawn: (cmd, args, o) => tracker.spawn(cmd, args, o),
    defer: (fn) => tracker.defer(fn),
    nextMessage: (src, ms, what, pred) => nextMessage(src, ms, what, { pred, signal }),
    waitForExit: (src, ms, what) => waitForExit(src, ms, what, { signal }),
    withTimeout: (p, ms, what) => withTimeout(p, ms, what, { signal }),
    sleep: (ms) => sleep(ms, { signal }),
  };
  return { ctx, report };
}

/** Run a lab to completion in this thread; the report always comes back, errors are data. */
export async function runLabHere(init: ContextInit): Promise<Report> {
  const { ctx, report } = createContext(init);
  const t0 = process.hrtime.bigint();
  // On --timeout or Ctrl-C, clean up at once and report what was measured so
  // far, rather than wait for run() to notice: run() may be waiting on a
  // third-party pool that ignores the signal, or going on with work that
  // never looks at it, and the host kills this thread or process after a
  // short grace. Whatever run() was waiting on rejects once its workers are
  // gone; what it does after that is no longer reported.
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      void init.tracker.cleanup();
      reject(init.signal.reason ?? new Error('aborted'));
    };
  });
  aborted.catch(() => {});
  if (init.signal.aborted) onAbort();
  else init.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const run = init.lab.run(ctx);
    run.catch(() => {}); // it may settle after the report has gone
    await Promise.race([run, aborted, ...(init.fatal ? [init.fatal] : [])]);
    report.status = statusOf(report.checks);
  } catch (e) {
    report.error = toSerializedError(e);
    report.status = init.signal.aborted ? 'interrupted' : 'error';
  } finally {
    init.signal.removeEventListener('abort', onAbort);
    await init.tracker.cleanup();
    report.durationMs = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return report;
}
