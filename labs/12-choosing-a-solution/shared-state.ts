/**
 * Shared-state heavy: `updates` transfers between a few accounts, each
 * transfer two updates of one shared table (src/workloads/transfers.ts).
 * One thread updates a plain table; the thread pool's threads update one
 * table in a SharedArrayBuffer with Atomics, fighting over its cache lines;
 * the process pool's children share nothing, so they send every update back
 * by IPC and the lab applies them. The final balances must be the same for
 * every model (additions commute).
 */
import type { LabContext } from '../../src/core/lab.js';
import { task } from '../../src/executors/index.js';
import { applyTransfers, applyUpdates, balancesHash, TRANSFERS_URL } from '../../src/workloads/transfers.js';
import { GPU_NOT_APPLICABLE } from './models.js';
import { slices, type Pools } from './pools.js';
import { timeInRounds, type Runner } from './rounds.js';
import { recordTimed, type WorkloadResult } from './workload.js';

export interface SharedStateOptions {
  updates: number;
  accounts: number;
  pools: Pools;
  rounds: number;
  warmup: number;
  /** The module whose functions the tasks call (the seam for the results check's fault test). */
  transfers?: URL;
}

export async function sharedState(ctx: LabContext<unknown>, o: SharedStateOptions): Promise<WorkloadResult> {
  const seed = ctx.rng.derive('shared-state');
  const url = o.transfers ?? TRANSFERS_URL;
  const k = o.accounts;
  // The expected table, from this module's own code (not the tasks').
  const expected = new Int32Array(k);
  applyTransfers(expected, seed, 0, o.updates);
  const want = balancesHash(expected);

  const plain = new Int32Array(k);
  const shared = new Int32Array(new SharedArrayBuffer(4 * k));
  const parts = slices(o.updates, o.pools.size);
  const runners: Runner<Int32Array>[] = [
    {
      model: 'one-thread',
      reset: () => plain.fill(0),
      run: async () => {
        await o.pools['one-thread'].submit(task(url, 'applyTransfers', plain, seed, 0, o.updates));
        return { result: plain };
      },
    },
    {
      model: 'thread-pool',
      reset: () => shared.fill(0),
      run: async () => {
        await o.pools['thread-pool'].map(parts.map(([lo, hi]) => task(url, 'applyTransfersAtomic', shared, seed, lo, hi)));
        return { result: shared };
      },
    },
    {
      model: 'process-pool',
      reset: () => plain.fill(0),
      run: async () => {
        const sent = await o.pools['process-pool'].map<Int32Array>(parts.map(([lo, hi]) => task(url, 'transferUpdates', seed, lo, hi, k)));
        for (const u of sent) applyUpdates(plain, u);
        return { result: plain };
      },
    },
  ];
  const rounds = await timeInRounds(ctx, 'shared-state', runners, {
    rounds: o.rounds,
    warmup: o.warmup,
    judge: (_, got) => {
      const h = balancesHash(got);
      if (h === want) return null;
      const i = expected.findIndex((v, j) => got[j] !== v);
      return `account ${i}: ${got[i]}, not ${expected[i]}`;
    },
  });
  const measured = recordTimed(ctx, 'shared-state', rounds, `${k} balances right`);
  ctx.output('shared-state balances', want);
  return {
    workload: 'shared-state',
    batch: `${o.updates.toLocaleString('en-US')} transfers among ${k} accounts (2 updates each)`,
    measured,
    others: rounds.others,
    notApplicable: [{ model: 'gpu', reason: GPU_NOT_APPLICABLE['shared-state'] as string }],
    labels: {},
  };
}
