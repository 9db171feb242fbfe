/**
 * Measuring the four variants of one workload and turning them into a table,
 * metrics and the speedups the checks read.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { machineBusyMs, othersCores } from '../../src/measure/contention.js';
import { median, ratioOfMedians } from '../../src/measure/stats.js';
import { hex } from './checksum.js';

export type Approach = 'sequential' | 'async' | 'threads' | 'processes';
export type Workload = 'cpu' | 'io';

export interface VariantRun {
  checksum: number;
  /** CPU spent outside this process (child processes), ms. */
  childCpuMs: number;
}

export interface Variant {
  approach: Approach;
  /** Threads or processes doing the work (1 for sequential and async: one thread). */
  k: number;
  run: () => Promise<VariantRun>;
  /** Untimed set-up before the runs (starting a pool) and tear-down after them. */
  open?: () => Promise<void>;
  close?: () => Promise<void>;
}

export interface Measured {
  approach: Approach;
  k: number;
  wall: number[];
  cpu: number[];
  /** Checksums of every run, warm-up included. */
  checksums: number[];
  /** Cores' worth of CPU other processes used during the timed runs; null without /proc/stat. */
  othersCores: number | null;
}

export async function measure(ctx: LabContext<unknown>, v: Variant): Promise<Measured> {
  const runs: VariantRun[] = [];
  const busy: (number | null)[] = [];
  await v.open?.();
  // On a throw the pool is left to the lab's tracker, which kills whatever is left.
  const s = await ctx.sample(async () => {
    const b0 = machineBusyMs();
    runs.push(await v.run());
    const b1 = machineBusyMs();
    busy.push(b0 === null || b1 === null ? null : b1 - b0);
  });
  await v.close?.();
  // ctx.sample ran the warm-ups first: the timed runs are the last ones.
  const timed = runs.slice(runs.length - s.wall.length);
  const cpu = s.cpu.map((c, i) => c + (timed[i]?.childCpuMs ?? 0));
  const timedBusy = busy.slice(busy.length - s.wall.length);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  return {
    approach: v.approach,
    k: v.k,
    wall: s.wall,
    cpu,
    checksums: runs.map((r) => r.checksum),
    othersCores: timedBusy.some((b) => b === null) ? null : othersCores(sum(timedBusy as number[]), sum(cpu), sum(s.wall)),
  };
}

/** One variant's checksum as text: the single value its runs agreed on, else every distinct value. */
export const checksumOf = (m: Measured): string => [...new Set(m.checksums.map(hex))].join('|');

export interface Speedup {
  workload: Workload;
  approach: Approach;
  k: number;
  ratio: number;
  low: number;
  high: number;
}

const TITLES: Record<Workload, string> = {
  cpu: 'CPU-bound: factorise the numbers',
  io: 'I/O-bound: requests to a slow local HTTP server',
};

/** Metrics, the table and the speedups against sequential (the first entry). */
export function report(
  ctx: LabContext<unknown>,
  workload: Workload,
  ms: readonly Measured[],
  detail: string,
  fresh: boolean,
): Speedup[] {
  const base = ms.find((m) => m.approach === 'sequential');
  if (!base) throw new Error('the sequential variant is the baseline and must be measured');
  const speedups: Speedup[] = [];
  const rows: Record<string, Cell>[] = ms.map((m) => {
    const variant = { workload, approach: m.approach, k: m.k };
    const wall = ctx.metric({ name: 'wall', unit: 'ms', better: 'lower', variant, samples: m.wall });
    ctx.metric({ name: 'cpu-time', unit: 'ms', better: 'lower', variant, samples: m.cpu });
    const r = ratioOfMedians(base.wall, m.wall);
    speedups.push({ workload, approach: m.approach, k: m.k, ratio: r.ratio, low: r.low, high: r.high });
    return {
      variant: m.approach,
      k: m.k,
      wall: { value: wall.median, low: wall.ci.low, high: wall.ci.high },
      cpu: median(m.cpu),
      speedup: { value: r.ratio, low: r.low, high: r.high },
      efficiency: (100 * r.ratio) / m.k,
    };
  });
  const walls = ms.map((m) => median(m.wall));
  ctx.table({
    title: `${TITLES[workload]} (${detail})`,
    columns: [
      { key: 'variant', label: 'variant', align: 'left' },
      { key: 'k', label: 'k' },
      { key: 'wall', label: 'wall', unit: 'ms' },
      { key: 'cpu', label: 'CPU', unit: 'ms' },
      { key: 'speedup', label: 'speedup', unit: 'x' },
      { key: 'efficiency', label: 'efficiency', unit: '%' },
    ],
    rows,
    highlight: [walls.indexOf(Math.min(...walls))],
    note:
      (fresh
        ? 'Threads and processes are started afresh for every timed run and joined at its end ' +
          '(start-up included, as in the book). '
        : 'Threads and processes are pooled: started once before the timed runs (start-up excluded; ' +
          'see the start-up table, or --fresh). ') +
      'The work is split into k contiguous shares. Wall: median (95% CI of the median). ' +
      'CPU: user+system of this process, all its threads, plus what each child process reports for itself. ' +
      'Speedup: median(sequential) / median(variant), range from the two CIs; efficiency = speedup / k.',
  });
  return speedups;
}

export async function measureAll(
  ctx: LabContext<unknown>,
  w: Workload,
  variants: readonly Variant[],
): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const [i, v] of variants.entries()) {
    ctx.progress(`${w}: ${v.approach}`, i / variants.length);
    out.push(await measure(ctx, v));
  }
  return out;
}

/** Output each variant's checksum and check that all equal the independent reference. */
export function checksums(
  ctx: LabContext<unknown>,
  w: Workload,
  what: string,
  reference: string,
  ms: readonly Measured[],
): void {
  ctx.output(`${w}.checksums`, { reference, ...Object.fromEntries(ms.map((m) => [m.approach, checksumOf(m)])) });
  const bad = ms.filter((m) => checksumOf(m) !== reference);
  ctx.check(
    `${w}: ${what}`,
    bad.length === 0,
    `reference ${reference}; ` +
      `${ms.map((m) => `${m.approach} ${checksumOf(m)}`).join(', ')} (every run, warm-ups included)`,
  );
}
