/**
 * CPU-bound tasks, small or large: is n prime, by trial division, for a
 * seeded list of primes and semiprimes near `near` (the task size), on the
 * lab's thread, the thread pool and the process pool, each with the same
 * executor interface (src/executors). Small tasks show what a trip to a
 * worker costs; large ones what the cores give.
 */
import type { LabContext } from '../../src/core/lab.js';
import { task } from '../../src/executors/index.js';
import { hash32 } from '../../src/core/rng.js';
import { primeTaskSet } from '../../src/workloads/prime-set.js';
import { PRIMES_URL } from '../../src/workloads/primes.js';
import { GPU_NOT_APPLICABLE, type WorkloadId } from './models.js';
import { CPU_MODELS, type Pools } from './pools.js';
import { timeInRounds, type Runner } from './rounds.js';
import { recordTimed, type WorkloadResult } from './workload.js';

export interface CpuTasksOptions {
  workload: Extract<WorkloadId, 'cpu-small' | 'cpu-large'>;
  count: number;
  near: number;
  pools: Pools;
  rounds: number;
  warmup: number;
  /** The module whose isPrime the tasks call (the seam for the results check's fault test). */
  primes?: URL;
}

const sci = (x: number): string => x.toExponential(0).replace('e+', 'e');

export async function cpuTasks(ctx: LabContext<unknown>, o: CpuTasksOptions): Promise<WorkloadResult> {
  const set = primeTaskSet(ctx.rng.derive(o.workload), o.count, o.near);
  const tasks = set.numbers.map((n) => task(o.primes ?? PRIMES_URL, 'isPrime', n));
  const runners: Runner<boolean[]>[] = CPU_MODELS.map((model) => ({
    model,
    run: async () => ({ result: await o.pools[model].map<boolean>(tasks) }),
  }));
  const rounds = await timeInRounds(ctx, o.workload, runners, {
    rounds: o.rounds,
    warmup: o.warmup,
    judge: (_, got) => {
      const i = set.expected.findIndex((e, j) => got[j] !== e);
      return got.length !== set.expected.length ? `${got.length} verdicts` : i >= 0 ? `${set.numbers[i]}: said ${got[i]}` : null;
    },
  });
  const primes = set.expected.filter(Boolean).length;
  const measured = recordTimed(ctx, o.workload, rounds, `${o.count} verdicts right`);
  ctx.output(`${o.workload} numbers`, hash32(set.numbers.join(',')));
  ctx.output(`${o.workload} primes`, primes);
  return {
    workload: o.workload,
    batch: `${o.count} is-prime tasks near ${sci(o.near)} (~${Math.round(Math.sqrt(o.near) / 2).toLocaleString('en-US')} divisions each)`,
    measured,
    others: rounds.others,
    notApplicable: [{ model: 'gpu', reason: GPU_NOT_APPLICABLE[o.workload] as string }],
    labels: {},
  };
}
