/**
 * Piscina's defaults on a small machine: minThreads is half the cores and
 * idleTimeout 0, so a thread above minThreads is ended the moment it idles
 * and started again (an isolate, the task's module loaded afresh) for the
 * next burst. Bursts of tasks with pauses between them, once with
 * idleTimeout 0 and once with the threads kept: threads created, and what a
 * burst takes.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { ThreadPoolExecutor, task } from '../../src/executors/index.js';
import { median } from '../../src/measure/stats.js';
import { PRIMES_URL, divisionsPerMicrosecond } from '../../src/workloads/primes.js';
import type { MakeExecutor } from './executors.js';

export interface IdleSetting {
  label: string;
  idleTimeout: number;
}

export interface IdleTimeoutOptions {
  bursts: number;
  /** Pause between bursts, ms. */
  gapMs: number;
  /** maxThreads, and tasks per burst. */
  threads: number;
  /** minThreads (piscina's default: half the cores, at least 1). */
  minThreads: number;
  /** Work per task, µs. */
  taskUs: number;
  make: MakeExecutor;
  /** The settings compared: idleTimeout 0 first (the seam for the check's fault test). */
  settings?: readonly IdleSetting[];
}

export const IDLE_SETTINGS: readonly IdleSetting[] = [
  { label: 'idleTimeout 0 (default)', idleTimeout: 0 },
  { label: 'idleTimeout 1 s', idleTimeout: 1000 },
];

export async function idleTimeout(ctx: LabContext<unknown>, o: IdleTimeoutOptions): Promise<void> {
  const settings = o.settings ?? IDLE_SETTINGS;
  const t = task(PRIMES_URL, 'trialDivisions', Math.round(o.taskUs * divisionsPerMicrosecond()));
  const rows: Record<string, Cell>[] = [];
  const created: number[] = [];
  for (const [i, s] of settings.entries()) {
    ctx.progress(`idle timeout: ${s.label}`, i / settings.length);
    const ex = await o.make('threads', o.threads, { threads: { minThreads: o.minThreads, idleTimeout: s.idleTimeout } });
    const bursts: number[] = [];
    try {
      for (let b = 0; b < o.bursts; b++) {
        if (b) await ctx.sleep(o.gapMs);
        const t0 = performance.now();
        await ex.map(Array.from({ length: o.threads }, () => t));
        bursts.push(performance.now() - t0);
      }
    } finally {
      await ex.shutdown();
    }
    const pool = ex instanceof ThreadPoolExecutor ? ex : null;
    created.push(pool?.threadsCreated ?? NaN);
    ctx.metric({ name: 'burst', unit: 'ms', better: 'lower', variant: { idleTimeout: s.idleTimeout, threads: o.threads }, samples: bursts.slice(1) });
    rows.push({
      setting: s.label,
      created: pool?.threadsCreated ?? null,
      first: bursts[0] ?? null,
      later: median(bursts.slice(1)),
    });
  }
  ctx.table({
    title: `Bursts: ${o.bursts} x ${o.threads} tasks of ${o.taskUs} µs, ${o.gapMs} ms apart (minThreads ${o.minThreads})`,
    columns: [
      { key: 'setting', label: 'pool', align: 'left' },
      { key: 'created', label: 'threads started' },
      { key: 'first', label: 'first burst', unit: 'ms' },
      { key: 'later', label: 'later bursts', unit: 'ms' },
    ],
    rows,
    note: 'threads started counts piscina\'s workerCreate events; later bursts: median. With idleTimeout 0 every thread above minThreads ends as soon as it idles, and the next burst waits for a new one.',
  });
  const [zero = NaN, kept = NaN] = created;
  const restarts = zero - kept;
  ctx.check(
    'idleTimeout 0 restarts threads between bursts',
    restarts >= o.bursts - 1,
    `${zero} thread starts, ${kept} kept`,
  );
}
