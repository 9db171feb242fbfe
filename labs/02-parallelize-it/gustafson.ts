/**
 * Gustafson's law: grow the job with the workers (each worker's share stays
 * constant) and measure the scaled speedup as a throughput ratio.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { ratioOfMedians } from '../../src/measure/stats.js';
import { gustafson } from './laws.js';
import type { WorkPool } from './pool.js';
import { interleaved, workerCounts, type SweepResult } from './sweep.js';

export interface GustafsonOptions {
  pool: WorkPool;
  maxK: number;
  /** Units of the Amdahl job (the base job is half of it) and the serial fraction. */
  units: number;
  serial: number;
  variant: Record<string, number>;
}

export interface GustafsonResult {
  ks: number[];
  /** Units of the base job's serial part, and of each worker's share. */
  serialUnits: number;
  shareUnits: number;
  sweep: SweepResult;
}

/** Half the Amdahl job at k = 1, each worker's share constant as k grows: timed, tabled. */
export async function gustafsonSweep(ctx: LabContext<unknown>, o: GustafsonOptions): Promise<GustafsonResult> {
  const half = Math.max(2, Math.round(o.units / 2));
  const serialUnits = Math.round(o.serial * half);
  const shareUnits = half - serialUnits;
  const cores = ctx.machine.effectiveCores;
  const ks = workerCounts(o.maxK, cores, true);
  const sweep = await interleaved(ctx, ks, (k) => o.pool.job(k, serialUnits, k * shareUnits), 'Gustafson');
  reportGustafson(ctx, { ks, cores, serialUnits, shareUnits, variant: o.variant, sweep });
  return { ks, serialUnits, shareUnits, sweep };
}

export interface GustafsonInput {
  ks: readonly number[];
  cores: number;
  /** Units of the serial part (the same for every k) and of each worker's share. */
  serialUnits: number;
  shareUnits: number;
  variant: Record<string, number>;
  sweep: SweepResult;
}

/** Units of the scaled job on k workers. */
export const scaledUnits = (g: Pick<GustafsonInput, 'serialUnits' | 'shareUnits'>, k: number): number => g.serialUnits + k * g.shareUnits;

export function reportGustafson(ctx: LabContext<unknown>, g: GustafsonInput): void {
  const base = g.sweep.wall.get(1) ?? [];
  // The serial share of the run on k workers: serial time / (serial + one share).
  const s = g.serialUnits / (g.serialUnits + g.shareUnits);
  const rows: Record<string, Cell>[] = g.ks.map((k) => {
    const t = g.sweep.wall.get(k) ?? [];
    const sum = ctx.metric({ name: 'scaled job time', unit: 'ms', better: 'lower', variant: { ...g.variant, k }, samples: t });
    const grow = scaledUnits(g, k) / scaledUnits(g, 1);
    const r = ratioOfMedians(base, t);
    return {
      k,
      work: grow,
      time: { value: sum.median, low: sum.ci.low, high: sum.ci.high },
      scaled: { value: grow * r.ratio, low: grow * r.low, high: grow * r.high },
      predicted: gustafson(s, k),
      note: k > g.cores ? 'oversubscribed' : '',
    };
  });
  ctx.table({
    title: `Gustafson: the job grows with k (each worker's share constant), serial share ${s.toFixed(3)}`,
    columns: [
      { key: 'k', label: 'k' },
      { key: 'work', label: 'work', unit: 'x' },
      { key: 'time', label: 'time', unit: 'ms' },
      { key: 'scaled', label: 'scaled speedup', unit: 'x' },
      { key: 'predicted', label: 'Gustafson s+(1-s)k', unit: 'x' },
      { key: 'note', label: 'k is' },
    ],
    rows,
    note:
      `Scaled speedup = (work(k)/T(k)) / (work(1)/T(1)): the throughput of k workers against one, both measured; ` +
      `the one-worker run of the grown job is not timed (it would take k times as long), its rate is the base job's. ` +
      `The base job is half the Amdahl job. Ideal: the time stays flat as k grows, up to the cores.`,
  });
}
