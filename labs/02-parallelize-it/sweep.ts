/**
 * Worker counts to sweep, and an interleaved sampler: each round runs every
 * k once, so a burst of load from elsewhere lands on all k alike instead of
 * on whichever k happened to be sampled then. Rounds alternate direction so
 * a slow drift (frequency, temperature) does not favour small or large k.
 */
import type { LabContext } from '../../src/core/lab.js';

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
  /** Per k, the process CPU time (ms, all threads) of each timed round. */
  cpu: Map<number, number[]>;
  /** Per k, the checksum of every run, warm-up rounds included. */
  sums: Map<number, number[]>;
}

export async function interleaved(
  ctx: LabContext<unknown>,
  ks: readonly number[],
  job: (k: number) => Promise<number>,
  label: string,
): Promise<SweepResult> {
  const res: SweepResult = { wall: new Map(), cpu: new Map(), sums: new Map() };
  for (const k of ks) {
    res.wall.set(k, []);
    res.cpu.set(k, []);
    res.sums.set(k, []);
  }
  const rounds = ctx.warmup + ctx.repeat;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ks : [...ks].reverse();
    for (const [i, k] of order.entries()) {
      ctx.progress(`${label}: round ${r + 1}/${rounds}, k = ${k}`, (r * ks.length + i) / (rounds * ks.length));
      const sums = res.sums.get(k) as number[];
      const s = await ctx.sample(async () => sums.push(await job(k)), { warmup: 0, repeat: 1 });
      if (r < ctx.warmup) continue;
      res.wall.get(k)?.push(...s.wall);
      res.cpu.get(k)?.push(...s.cpu);
    }
  }
  return res;
}
