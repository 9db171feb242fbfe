/**
 * What every workload experiment shares: the result it hands to the
 * recommendation, and how it records its timings (one metric per model,
 * variant { workload, model }, so `conc compare` lines them up) and checks
 * that every model computed the right answer.
 */
import type { LabContext } from '../../src/core/lab.js';
import { MODEL_SHORT, type ModelId, type WorkloadId } from './models.js';
import type { Measured } from './recommend.js';
import type { Rounds } from './rounds.js';

export interface WorkloadResult {
  workload: WorkloadId;
  /** What one batch is, in a few words. */
  batch: string;
  measured: Measured[];
  notApplicable: { model: ModelId; reason: string }[];
  /** Cores' worth of CPU other processes used while it was timed (null without /proc). */
  others: number | null;
  /** The label of a model in the tables where it needs more than its name (the GPU job's backend). */
  labels: Partial<Record<ModelId, string>>;
}

/**
 * Record each model's samples as a metric, and check that every run of every
 * model was right: `results <workload>`, detail "3 models x 8 runs: <what>"
 * or the first wrong one.
 */
export function recordTimed(ctx: LabContext<unknown>, workload: WorkloadId, { timed }: Rounds, what: string): Measured[] {
  for (const t of timed) ctx.metric({ name: 'batch time', unit: 'ms', better: 'lower', variant: { workload, model: t.model }, samples: t.samples });
  const bad = timed.find((t) => t.wrong !== null);
  const runs = Math.max(...timed.map((t) => t.runs));
  ctx.check(
    `results ${workload}`,
    bad === undefined && timed.every((t) => t.runs > 0),
    bad ? `${MODEL_SHORT[bad.model]}: ${bad.wrong}`.slice(0, 58) : `${timed.length} models x ${runs} runs: ${what}`,
  );
  return timed.map((t) => ({ model: t.model, samples: t.samples }));
}
