/**
 * Worker counts to sweep, and an interleaved sampler: each round runs every
 * k once, so a burst of load from elsewhere lands on all k alike instead of
 * on whichever k happened to be sampled then. Rounds alternate direction so
 * a slow drift (frequency, temperature) does not favour small or large k.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { JobResult } from './pool.js';

/** Every k up to 16 in a full run; otherwise 1, powers of two, the cores and W. */
export function workerCounts(max: number, cores: number, reduced: boolean): number[] {
  if (!reduced && max <= 16) return Array.from({ length: max }, (_, i) => i + 1);
  const ks = new Set<number>([1, Math.min(cores, max), max]);
  for (let k = 2; k <= Math.min(cores, max); k *= 2) ks.add(k);
  return [...ks].sort((a, b) => a - b);
}

export interface SweepResult {
  /** Per k, the wall time (ms) of each timed round, in round order. */
  wall: Map<number, number[]>;
  /** Per k, the workers' mean time per unit in the parallel phase of each timed round (JobResult.unitMs). */
  unitMs: Map<number, number[]>;
  /** Per k, the checksum of every run, warm-up rounds included. */
  sums: Map<number, number[]>;
}

export async function interleaved(
  ctx: LabContext<unknown>,
  ks: readonly number[],
  job: (k: number) => Promise<JobResult>,
  label: string,
): Promise<SweepResult> {
  const res: SweepResult = { wall: new Map(), unitMs: new Map(), sums: new Map() };
  for (const k of ks) {
    res.wall.set(k, []);
    res.unitMs.set(k, []);
    res.sums.set(k, []);
  }
  const rounds = ctx.warmup + ctx.repeat;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ks : [...ks].reverse();
    for (const [i, k] of order.entries()) {
      ctx.progress(`${label}: round ${r + 1}/${rounds}, k = ${k}`, (r * ks.length + i) / (rounds * ks.length));
      let out: JobResult = { sum: NaN, unitMs: NaN };
      const s = await ctx.sample(async () => (out = await job(k)), { warmup: 0, repeat: 1 });
      res.sums.get(k)?.push(out.sum);
      if (r < ctx.warmup) continue;
      res.wall.get(k)?.push(...s.wall);
      res.unitMs.get(k)?.push(out.unitMs);
    }
  }
  return res;
}
