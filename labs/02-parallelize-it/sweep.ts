/**
 * Worker counts to sweep, and an interleaved sampler: each round runs every
 * k once, so a burst of load from elsewhere lands on all k alike instead of
 * on whichever k happened to be sampled then. Rounds alternate direction so
 * a slow drift (frequency, temperature) does not favour small or large k.
 */
import type { LabContext } from '../../src/core/lab.js';
import { loadSpan, othersOver, type LoadReading } from '../../src/measure/contention.js';
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
  /** Per k, the checksum of every run, warm-up rounds included. */
  sums: Map<number, number[]>;
  /** Per k, what the machine did during each timed round (others' load: sweepLoad). */
  load: Map<number, LoadReading[]>;
}

/** Others' load in cores over the timed runs of the given k (all k when omitted); null without /proc/stat. */
export function sweepLoad(r: SweepResult, ks?: readonly number[]): number | null {
  return othersOver((ks ?? [...r.load.keys()]).flatMap((k) => r.load.get(k) ?? []));
}

/** `again` measured some k anew: its timings replace theirs in `r`, its checksums join theirs. */
export function remeasured(r: SweepResult, again: SweepResult): SweepResult {
  const out: SweepResult = { wall: new Map(r.wall), sums: new Map(r.sums), load: new Map(r.load) };
  for (const k of again.wall.keys()) {
    out.wall.set(k, again.wall.get(k) ?? []);
    out.load.set(k, again.load.get(k) ?? []);
    out.sums.set(k, [...(r.sums.get(k) ?? []), ...(again.sums.get(k) ?? [])]);
  }
  return out;
}

export async function interleaved(
  ctx: LabContext<unknown>,
  ks: readonly number[],
  job: (k: number) => Promise<JobResult>,
  label: string,
): Promise<SweepResult> {
  const res: SweepResult = { wall: new Map(), sums: new Map(), load: new Map() };
  for (const k of ks) {
    res.wall.set(k, []);
    res.sums.set(k, []);
    res.load.set(k, []);
  }
  const rounds = ctx.warmup + ctx.repeat;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ks : [...ks].reverse();
    for (const [i, k] of order.entries()) {
      ctx.progress(`${label}: round ${r + 1}/${rounds}, k = ${k}`, (r * ks.length + i) / (rounds * ks.length));
      let out: JobResult = { sum: NaN };
      const span = loadSpan();
      const s = await ctx.sample(async () => (out = await job(k)), { warmup: 0, repeat: 1 });
      const load = span.end();
      res.sums.get(k)?.push(out.sum);
      if (r < ctx.warmup) continue;
      res.wall.get(k)?.push(...s.wall);
      res.load.get(k)?.push(load);
    }
  }
  return res;
}
