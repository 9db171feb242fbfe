/**
 * I/O-bound requests: GET `count` items from a local HTTP server that
 * answers each after `delayMs` (src/workloads/delay-server.ts), every
 * request in flight at once. On the lab's thread that is one event loop
 * waiting on all the sockets; in a pool, each worker does the same with its
 * share. Nobody's CPU works while the server waits: what a model adds is
 * its own overhead.
 */
import type { LabContext } from '../../src/core/lab.js';
import { task } from '../../src/executors/index.js';
import { hash32 } from '../../src/core/rng.js';
import { startDelayServer } from '../../src/workloads/delay-server.js';
import { HTTP_BATCH_URL } from '../../src/workloads/http-batch.js';
import { GPU_NOT_APPLICABLE } from './models.js';
import { CPU_MODELS, slices, type Pools } from './pools.js';
import { timeInRounds, type Runner } from './rounds.js';
import { recordTimed, type WorkloadResult } from './workload.js';

export interface IoOptions {
  count: number;
  delayMs: number;
  pools: Pools;
  rounds: number;
  warmup: number;
  /** The module whose fetchItems the tasks call (the seam for the results check's fault test). */
  client?: URL;
}

/** The body the server sends for item i. */
export const bodyOf = (i: number): string => `item ${i}`;

export async function ioRequests(ctx: LabContext<unknown>, o: IoOptions): Promise<WorkloadResult> {
  const server = await startDelayServer({ delayMs: o.delayMs, body: bodyOf });
  ctx.defer(() => server.close());
  const items = Array.from({ length: o.count }, (_, i) => i);
  const expected = items.map(bodyOf);
  const url = o.client ?? HTTP_BATCH_URL;
  const runners: Runner<string[]>[] = CPU_MODELS.map((model) => {
    const ex = o.pools[model];
    // One task on the lab's thread; one per worker in a pool, each with its share of the items.
    const tasks = slices(o.count, model === 'one-thread' ? 1 : ex.size).map(([lo, hi]) => task(url, 'fetchItems', server.baseUrl, items.slice(lo, hi)));
    return { model, run: async () => ({ result: (await ex.map<string[]>(tasks)).flat() }) };
  });
  try {
    const rounds = await timeInRounds(ctx, 'io', runners, {
      rounds: o.rounds,
      warmup: o.warmup,
      judge: (_, got) => {
        const i = expected.findIndex((e, j) => got[j] !== e);
        return got.length !== expected.length ? `${got.length} bodies for ${expected.length}` : i >= 0 ? `item ${i}: ${JSON.stringify(got[i]).slice(0, 20)}` : null;
      },
    });
    const measured = recordTimed(ctx, 'io', rounds, `${o.count} bodies right`);
    ctx.output('io bodies', hash32(expected.join('\n')));
    return {
      workload: 'io',
      batch: `${o.count} HTTP GETs at once, each answered after ${o.delayMs} ms`,
      measured,
    others: rounds.others,
      notApplicable: [{ model: 'gpu', reason: GPU_NOT_APPLICABLE.io as string }],
      labels: {},
    };
  } finally {
    await server.close();
  }
}
