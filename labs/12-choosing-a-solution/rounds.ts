/**
 * Timing the models of one workload against each other: a warm-up run of
 * each, then rounds in which every model runs one batch, the order rotated
 * from round to round. Load from elsewhere comes and goes by the second on
 * a shared machine; interleaved, it hits every model alike instead of
 * whichever was being timed at the moment. Every run's result is judged
 * (the timing of a wrong answer counts for nothing).
 */
import type { LabContext } from '../../src/core/lab.js';
import { measuringLoad } from './load.js';
import type { ModelId } from './models.js';

export interface Runner<R> {
  model: ModelId;
  /** Untimed: put the state back before a run (zero a table, say). */
  reset?: () => void;
  /** One batch. `ms` when the model times itself (the GPU job times its kernel calls in its own process). */
  run: () => Promise<{ result: R; ms?: number }>;
}

export interface Timed {
  model: ModelId;
  /** One per round, ms. */
  samples: number[];
  /** Runs judged, and what was wrong with the first bad one (null: every run right). */
  runs: number;
  wrong: string | null;
}

export interface RoundsOptions<R> {
  rounds: number;
  warmup: number;
  /** What is wrong with a model's result, or null when it is right. */
  judge: (model: ModelId, result: R) => string | null;
  /** Bound on one batch, ms. */
  batchMs?: number;
}

export interface Rounds {
  timed: Timed[];
  /** Cores' worth of CPU other processes used during the timed rounds (null without /proc). */
  others: number | null;
}

export async function timeInRounds<R>(ctx: LabContext<unknown>, workload: string, runners: readonly Runner<R>[], o: RoundsOptions<R>): Promise<Rounds> {
  const out = runners.map((r): Timed => ({ model: r.model, samples: [], runs: 0, wrong: null }));
  const batchMs = o.batchMs ?? 120_000;
  const once = async (i: number, timed: boolean): Promise<void> => {
    const r = runners[i] as Runner<R>;
    const t = out[i] as Timed;
    ctx.signal.throwIfAborted();
    r.reset?.();
    const t0 = performance.now();
    const { result, ms } = await ctx.withTimeout(r.run(), batchMs, `${workload} on ${r.model}`);
    const wall = performance.now() - t0;
    t.runs++;
    t.wrong ??= o.judge(r.model, result);
    if (timed) t.samples.push(ms ?? wall);
  };
  for (let w = 0; w < o.warmup; w++)
    for (let i = 0; i < runners.length; i++) {
      ctx.progress(`${workload}: warming up ${runners[i]?.model}`);
      await once(i, false);
    }
  const { others } = await measuringLoad(async () => {
    for (let round = 0; round < o.rounds; round++) {
      ctx.progress(`${workload}: round ${round + 1} of ${o.rounds}`, round / o.rounds);
      for (let j = 0; j < runners.length; j++) await once((round + j) % runners.length, true);
    }
  });
  return { timed: out, others };
}
