/**
 * Measuring the four variants of one workload and turning them into a table,
 * metrics and the speedups the checks read. Variants, measurements and
 * speedups are records keyed by approach, never picked out by position.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { loadSpan, othersOver, type LoadReading } from '../../src/measure/contention.js';
import { median, ratioOfMedians } from '../../src/measure/stats.js';
import { hex } from './checksum.js';

export const APPROACHES = ['sequential', 'async', 'threads', 'processes'] as const;
export type Approach = (typeof APPROACHES)[number];
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
  const load: LoadReading[] = [];
  await v.open?.();
  // On a throw the pool is left to the lab's tracker, which kills whatever is left.
  const s = await ctx.sample(async () => {
    const span = loadSpan();
    const r = await v.run();
    runs.push(r);
    // The children's CPU is this lab's too: only what is left is others' load.
    load.push(span.end(r.childCpuMs));
  });
  await v.close?.();
  // ctx.sample ran the warm-ups first: the timed runs are the last ones.
  const timed = runs.slice(runs.length - s.wall.length);
  return {
    approach: v.approach,
    k: v.k,
    wall: s.wall,
    cpu: s.cpu.map((c, i) => c + (timed[i]?.childCpuMs ?? 0)),
    checksums: runs.map((r) => r.checksum),
    othersCores: othersOver(load.slice(load.length - s.wall.length)),
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

export type Measurements = Record<Approach, Measured>;
export type Speedups = Record<Approach, Speedup>;

/** Metrics, the table and the speedups against sequential. */
export function report(
  ctx: LabContext<unknown>,
  workload: Workload,
  measured: Measurements,
  detail: string,
  fresh: boolean,
): Speedups {
  const base = measured.sequential;
  const ms = APPROACHES.map((a) => measured[a]);
  const speedups = {} as Speedups;
  const rows: Record<string, Cell>[] = ms.map((m) => {
    const variant = { workload, approach: m.approach, k: m.k };
    const wall = ctx.metric({ name: 'wall', unit: 'ms', better: 'lower', variant, samples: m.wall });
    ctx.metric({ name: 'cpu-time', unit: 'ms', better: 'lower', variant, samples: m.cpu });
    const r = ratioOfMedians(base.wall, m.wall);
    speedups[m.approach] = { workload, approach: m.approach, k: m.k, ratio: r.ratio, low: r.low, high: r.high };
    return {
      variant: m.approach,
      k: m.k,
      wall: { value: wall.median, low: wall.ci.low, high: wall.ci.high },
      cpu: median(m.cpu),
      speedup: { value: r.ratio, low: r.low, high: r.high },
      ...(workload === 'cpu' ? { efficiency: (100 * r.ratio) / m.k } : {}),
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
      ...(workload === 'cpu' ? [{ key: 'efficiency', label: 'efficiency', unit: '%' }] : []),
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
      'Speedup: median(sequential) / median(variant), range from the two CIs' +
      (workload === 'cpu'
        ? '; efficiency = speedup / k.' + beyondK(ms, speedups)
        : '. No efficiency column: these variants wait rather than compute, so speedup / k says nothing about ' +
          'cores (async overlaps every wait on one thread).'),
  });
  return speedups;
}

/**
 * Why a variant reads faster than k times sequential (efficiency over 100%)
 * where it does: k workers cannot add more than k cores, so either the
 * excess is within the noise (the range reaches k), or each share cost less
 * CPU than the same work on the lab's thread (the CPU column says which).
 */
export function beyondK(ms: readonly Measured[], speedups: Speedups): string {
  const base = median(ms.find((m) => m.approach === 'sequential')?.cpu ?? []);
  const out: string[] = [];
  for (const m of ms) {
    const sp = speedups[m.approach];
    if (m.k < 1 || !(sp.ratio > m.k)) continue;
    const what = `${m.approach} ${sp.ratio.toFixed(2)}x on k = ${m.k}`;
    const cpu = median(m.cpu);
    if (sp.low <= m.k) out.push(`${what} exceeds ${m.k}x only within the noise: its range (${sp.low.toFixed(2)}-${sp.high.toFixed(2)}x) reaches ${m.k}x.`);
    else if (cpu < base)
      out.push(
        `${what} is beyond k cores' worth because the work itself got cheaper: ${fmtMs(cpu)} of CPU against sequential's ${fmtMs(base)} ` +
          `(each share runs on its own warm heap, apart from the lab's thread, its event loop and its collector).`,
      );
    else out.push(`${what} exceeds ${m.k}x with no less CPU than sequential (${fmtMs(cpu)} against ${fmtMs(base)}): a slow sequential baseline (load while it ran?).`);
  }
  return out.length ? ` ${out.join(' ')}` : '';
}

const fmtMs = (x: number): string => `${Math.round(x).toLocaleString('en-US')} ms`;

/** Measure every variant of a workload, one after another. */
export async function measureAll(
  ctx: LabContext<unknown>,
  w: Workload,
  variants: Record<Approach, Variant>,
): Promise<Measurements> {
  const out = {} as Measurements;
  for (const [i, a] of APPROACHES.entries()) {
    ctx.progress(`${w}: ${a}`, i / APPROACHES.length);
    out[a] = await measure(ctx, variants[a]);
  }
  return out;
}

/** Measure one variant again; its checksums join the earlier ones, so every run is still checked. */
export async function remeasure(ctx: LabContext<unknown>, v: Variant, before: Measured): Promise<Measured> {
  const m = await measure(ctx, v);
  return { ...m, checksums: [...before.checksums, ...m.checksums] };
}

/** Output each variant's checksum and check that all equal the independent reference. */
export function checksums(
  ctx: LabContext<unknown>,
  w: Workload,
  what: string,
  reference: string,
  measured: Measurements,
): void {
  const ms = APPROACHES.map((a) => measured[a]);
  ctx.output(`${w}.checksums`, { reference, ...Object.fromEntries(ms.map((m) => [m.approach, checksumOf(m)])) });
  const bad = ms.filter((m) => checksumOf(m) !== reference);
  ctx.check(
    `${w}: ${what}`,
    bad.length === 0,
    `reference ${reference}; ` +
      `${ms.map((m) => `${m.approach} ${checksumOf(m)}`).join(', ')} (every run, warm-ups included)`,
  );
}
