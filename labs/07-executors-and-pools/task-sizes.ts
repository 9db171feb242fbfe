/**
 * What a task costs to hand over, and from what size handing it over pays.
 *
 * 1. The round trip, one task at a time on one worker: from submit to the
 *    result, less the time inside the task, is the executor's cost per task
 *    (piscina's own histograms beside it, and its atomics setting: 'sync'
 *    parks an idle worker on Atomics.wait, 'disabled' leaves it to the
 *    message loop).
 * 2. A sweep of task sizes with one worker per core: below some size the
 *    pool loses to doing the work in place.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { ThreadPoolExecutor, task, type Executor, type ExecutorKind, type Task } from '../../src/executors/index.js';
import { median } from '../../src/measure/stats.js';
import { PRIMES_URL, divisionsPerMicrosecond } from '../../src/workloads/primes.js';
import { breakEven } from './analysis.js';
import { runsFor, timeBatch, warm, type MakeExecutor } from './executors.js';

export interface TaskSizesOptions {
  /** Work per task, µs (on the lab's thread). */
  sizes: readonly number[];
  /** Workers of each pool in the sweep (the cores). */
  workers: number;
  /** Round trips timed per executor (a worker per task does a twentieth of them: each costs a thread's start-up). */
  trips: number;
  /** Total work per batch in the sweep, µs. */
  budgetUs: number;
  /** Most tasks in one batch of the sweep. */
  maxTasks: number;
  make: MakeExecutor;
}

export interface TaskSizesResult {
  /** Median overhead per task (round trip less the time inside the task), µs, per row label. */
  overheadUs: Record<string, number>;
  /** Smallest task size from which each pool kind beats sequential, µs; null when it never did. */
  paysFrom: Partial<Record<ExecutorKind, number | null>>;
}

interface Variant {
  label: string;
  kind: ExecutorKind;
  extra?: Parameters<MakeExecutor>[2];
}

const VARIANTS: readonly Variant[] = [
  { label: 'sequential', kind: 'sequential' },
  { label: "threads, 'sync'", kind: 'threads', extra: { threads: { atomics: 'sync' } } },
  { label: "threads, 'disabled'", kind: 'threads', extra: { threads: { atomics: 'disabled' } } },
  { label: 'process pool', kind: 'processes' },
  { label: 'worker per task', kind: 'worker-per-task' },
];

const SWEEP: readonly ExecutorKind[] = ['sequential', 'threads', 'processes', 'worker-per-task'];
/** Under --quick the sweep leaves out a worker per task: its cost per task is in the round-trip table. */
const QUICK_SWEEP: readonly ExecutorKind[] = ['sequential', 'threads', 'processes'];

/**
 * How much less a pooled thread must cost per task than a new one: a round
 * trip to a waiting thread is tens of microseconds, a thread's start-up
 * (isolate, event loop, modules) milliseconds, so 10x is far inside the gap
 * on any machine, and a "pool" that starts a thread per task misses it.
 */
const POOLED_GAIN = 10;

const fmtUs = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(1)} ms` : `${x.toFixed(0)} µs`);

const work = (divisions: number): Task => task(PRIMES_URL, 'trialDivisions', divisions);
const us = (ms: number): number => ms * 1000;

export async function taskSizes(ctx: LabContext<unknown>, o: TaskSizesOptions): Promise<TaskSizesResult> {
  const rate = divisionsPerMicrosecond();
  const sizes = [...o.sizes].sort((a, b) => a - b);
  const smallest = sizes[0] ?? 10;

  // 1. Round trips on one worker.
  const overheadUs: Record<string, number> = {};
  const rtRows: Record<string, Cell>[] = [];
  for (const [i, v] of VARIANTS.entries()) {
    ctx.progress(`task sizes: round trip, ${v.label}`, i / (VARIANTS.length + sizes.length));
    const ex = await o.make(v.kind, 1, v.extra);
    try {
      if (ex.kind !== 'worker-per-task') await warm(ex, work(1));
      // A thread per task costs a start-up each time: fewer trips (by what the executor is, whatever it was asked to be).
      const n = ex.kind === 'worker-per-task' ? Math.max(2, Math.round(o.trips / 20)) : o.trips;
      const pool = ex instanceof ThreadPoolExecutor ? ex.pool : null;
      pool?.histogram.resetRunTime();
      pool?.histogram.resetWaitTime();
      const trips: number[] = [];
      const inside: number[] = [];
      const t = work(Math.round(smallest * rate));
      for (let k = 0; k < n; k++) {
        const t0 = performance.timeOrigin + performance.now();
        const r = await ex.execute(t, { signal: ctx.signal });
        if (r.status === 'rejected') throw r.error;
        trips.push(r.settled - t0);
        inside.push(r.end - r.start);
      }
      const overhead = trips.map((x, k) => x - (inside[k] as number));
      ctx.metric({ name: 'overhead per task', unit: 'ms', better: 'lower', variant: { executor: v.label, taskUs: smallest }, samples: overhead });
      overheadUs[v.label] = us(median(overhead));
      rtRows.push({
        executor: v.label,
        trip: us(median(trips)),
        inside: us(median(inside)),
        overhead: us(median(overhead)),
        pWait: pool ? us(pool.histogram.waitTime.p50) : null,
        pRun: pool ? us(pool.histogram.runTime.p50) : null,
      });
    } finally {
      await ex.shutdown();
    }
  }

  // 2. The sweep, one worker per core.
  const perTask = new Map<ExecutorKind, number[]>();
  const tasksAt: number[] = [];
  const exs = new Map<ExecutorKind, Executor>();
  const sweep = ctx.quick ? QUICK_SWEEP : SWEEP;
  try {
    for (const kind of sweep) {
      const ex = await o.make(kind, kind === 'sequential' ? 1 : o.workers);
      exs.set(kind, ex);
      if (ex.kind !== 'worker-per-task') await warm(ex, work(1));
      perTask.set(kind, []);
    }
    for (const [i, size] of sizes.entries()) {
      ctx.progress(`task sizes: ${size} µs per task`, (VARIANTS.length + i) / (VARIANTS.length + sizes.length));
      const count = Math.min(o.maxTasks, Math.max(2 * o.workers, Math.round(o.budgetUs / size)));
      tasksAt.push(count);
      for (const kind of sweep) {
        const ex = exs.get(kind) as Executor;
        const n = ex.kind === 'worker-per-task' ? Math.min(count, o.workers) : count;
        const b = await timeBatch(ctx, ex, Array.from({ length: n }, () => work(Math.round(size * rate))), runsFor(ctx, ex), 0);
        const per = b.walls.map((w) => w / n);
        ctx.metric({ name: 'wall per task', unit: 'ms', better: 'lower', variant: { executor: kind, taskUs: size, workers: exs.get(kind)?.size ?? 1 }, samples: per });
        (perTask.get(kind) as number[]).push(median(per));
      }
    }
  } finally {
    for (const ex of exs.values()) await ex.shutdown();
  }
  const seq = perTask.get('sequential') ?? [];
  const speedups = (k: ExecutorKind): number[] => (perTask.get(k) ?? []).map((x, i) => (seq[i] as number) / x);
  const paysFrom: TaskSizesResult['paysFrom'] = {};
  for (const k of sweep.slice(1)) paysFrom[k] = breakEven(sizes, speedups(k));
  const pays = (k: ExecutorKind): string => {
    const p = paysFrom[k];
    return p === null || p === undefined ? 'never' : p === smallest ? `≤ ${p} µs` : `${p} µs`;
  };
  for (const r of rtRows) {
    const v = VARIANTS.find((x) => x.label === r.executor);
    r.pays = v && v.kind !== 'sequential' && sweep.includes(v.kind) ? pays(v.kind) : null;
  }

  ctx.table({
    title: `Cost of a task: one at a time on one worker, ${smallest} µs of work each`,
    columns: [
      { key: 'executor', label: 'executor', align: 'left' },
      { key: 'trip', label: 'round trip', unit: 'µs' },
      { key: 'inside', label: 'in task', unit: 'µs' },
      { key: 'overhead', label: 'overhead', unit: 'µs' },
      { key: 'pWait', label: 'piscina wait', unit: 'µs' },
      { key: 'pRun', label: 'piscina run', unit: 'µs' },
      { key: 'pays', label: 'pays from', align: 'left' },
    ],
    rows: rtRows,
    note:
      "medians; threads: piscina with atomics 'sync' or 'disabled'. overhead = round trip - time inside the task, as the " +
      'task itself measured it. piscina wait and run are p50 of its own pool.histogram.waitTime / runTime (ms there): ' +
      `its run is dispatch to result. pays from = the smallest task size from which ${o.workers} workers beat ` +
      `sequential in the sweep below (never: not up to ${sizes[sizes.length - 1]} µs).`,
  });
  ctx.table({
    title: `Task sizes: wall per task with ${o.workers} workers against sequential`,
    columns: [
      { key: 'size', label: 'task', unit: 'µs' },
      { key: 'tasks', label: 'tasks' },
      { key: 'seq', label: 'sequential', unit: 'µs' },
      { key: 'threads', label: 'threads', unit: 'x' },
      { key: 'processes', label: 'processes', unit: 'x' },
      { key: 'wpt', label: 'new worker', unit: 'x' },
    ],
    rows: sizes.map((size, i) => ({
      size,
      tasks: tasksAt[i] ?? null,
      seq: us(seq[i] ?? NaN),
      threads: speedups('threads')[i] ?? null,
      processes: speedups('processes')[i] ?? null,
      wpt: speedups('worker-per-task')[i] ?? null,
    })),
    note:
      "speedup over doing the work on the lab's thread (below 1x the pool loses); " +
      (sweep.includes('worker-per-task') ? `a new worker per task ran at most ${o.workers} tasks a batch.` : 'no new worker per task under --quick.'),
  });

  const pooled = overheadUs["threads, 'sync'"] ?? NaN;
  const fresh = overheadUs['worker per task'] ?? NaN;
  ctx.check(
    `a pooled thread costs ${POOLED_GAIN}x+ less than a new one`,
    pooled * POOLED_GAIN < fresh,
    `${fmtUs(pooled)} vs ${fmtUs(fresh)} a task`,
  );
  return { overheadUs, paysFrom };
}
