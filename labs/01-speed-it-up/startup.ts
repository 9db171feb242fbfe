/**
 * The second table: what it costs to start one worker thread against one
 * child process, from creation to the first message of task.worker.js.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { RangeCell } from '../../src/core/report.js';
import { median, ratioOfMedians } from '../../src/measure/stats.js';
import { startupMs, type Vehicle } from './crew.js';

const rangeOf = (r: { ratio: number; low: number; high: number }): RangeCell => ({
  value: r.ratio,
  low: r.low,
  high: r.high,
});

export interface StartupOptions {
  /** Whether the workloads start their threads and processes in every run (for the note). */
  fresh: boolean;
  /** Seam for the check's fault test, never set by the lab: what each row really starts. */
  vehicleOf?: Record<Vehicle, Vehicle>;
}

export interface StartupResult {
  /** Median start-up, ms. */
  threadMs: number;
  processMs: number;
}

/** Start-up of one worker thread against one child process, alternated so that load drifts hit both. */
export async function startup(ctx: LabContext<unknown>, o: StartupOptions): Promise<StartupResult> {
  const { fresh } = o;
  const n = Math.max(3, ctx.repeat);
  const ms: Record<Vehicle, number[]> = { thread: [], process: [] };
  for (let i = 0; i < ctx.warmup + n; i++) {
    ctx.progress('start-up of a thread and a process', i / (ctx.warmup + n));
    for (const v of ['thread', 'process'] as const) {
      const t = await startupMs(ctx, o.vehicleOf?.[v] ?? v);
      if (i >= ctx.warmup) ms[v].push(t);
    }
  }
  const rows = (['thread', 'process'] as const).map((v) => {
    const s = ctx.metric({ name: 'startup', unit: 'ms', better: 'lower', variant: { vehicle: v }, samples: ms[v] });
    // How many times a thread's start-up this is: ratioOfMedians(a, b) is median(a) / median(b),
    // with the range from the two CIs. The thread row is the baseline itself.
    return {
      vehicle: v === 'thread' ? 'worker thread' : 'child process',
      median: { value: s.median, low: s.ci.low, high: s.ci.high },
      min: s.min,
      max: s.max,
      ratio: v === 'thread' ? 1 : rangeOf(ratioOfMedians(ms.process, ms.thread)),
    };
  });
  ctx.table({
    title: `Start-up cost: from creation to the first message (median of ${n})`,
    columns: [
      { key: 'vehicle', label: 'vehicle', align: 'left' },
      { key: 'median', label: 'median', unit: 'ms' },
      { key: 'min', label: 'min', unit: 'ms' },
      { key: 'max', label: 'max', unit: 'ms' },
      { key: 'ratio', label: 'vs thread', unit: 'x' },
    ],
    rows,
    note:
      'A child process boots a whole Node.js runtime; a worker thread a new V8 isolate and event loop ' +
      'in this process. Both load the same task.worker.js. ' +
      (fresh
        ? 'With --fresh, every thread or process variant below pays this k times in each timed run.'
        : 'The pooled variants below pay it once per variant, before their timed runs (--fresh: in every run).'),
  });
  const [threadMs, processMs] = [median(ms.thread), median(ms.process)];
  ctx.check(
    'a child process starts slower than a worker thread',
    processMs > threadMs,
    `medians: process ${processMs.toLocaleString('en-US', { maximumFractionDigits: 1 })} ms, thread ${threadMs.toLocaleString('en-US', { maximumFractionDigits: 1 })} ms (needs process > thread): ` +
      'a process boots a whole runtime, a thread reuses this one',
  );
  return { threadMs, processMs };
}
