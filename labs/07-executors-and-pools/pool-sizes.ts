/**
 * The pool-size sweep: the thread pool and the process pool with 1, 2, 4 ...
 * workers on the same numbers. Speedup grows with the workers up to the cores
 * and stops there (more threads than cores only take turns); each pool must
 * really run as many tasks at once as it has workers, which the tasks' own
 * start and end times show.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { task, type Executor, type ExecutorKind } from '../../src/executors/index.js';
import { ratioOfMedians } from '../../src/measure/stats.js';
import { PRIMES_URL, WARM_PRIME } from '../../src/workloads/primes.js';
import { peakConcurrency, utilization } from './analysis.js';
import { allMeet } from './concurrency.js';
import { LABEL, timeRounds, warm, type MakeExecutor, type RoundsBatch } from './executors.js';

export interface PoolSizesOptions {
  numbers: readonly number[];
  sizes: readonly number[];
  cores: number;
  make: MakeExecutor;
  kinds?: readonly ExecutorKind[];
}

export interface PoolSizesResult {
  /** Median speedup per kind and size. */
  speedup: Partial<Record<ExecutorKind, Record<number, number>>>;
}

export async function poolSizes(ctx: LabContext<unknown>, o: PoolSizesOptions): Promise<PoolSizesResult> {
  const tasks = o.numbers.map((n) => task(PRIMES_URL, 'isPrime', n));
  const kinds = o.kinds ?? (['threads', 'processes'] as const);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conc-lab7-'));
  ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
  const rows: Record<string, Cell>[] = [];
  const short: string[] = [];
  const speedup: PoolSizesResult['speedup'] = {};
  // Every pool at once, and sequential beside them, timed in interleaved rounds.
  const pools: { kind: ExecutorKind; size: number; key: string; ex: Executor }[] = [];
  const seq = await o.make('sequential', 1);
  try {
    await warm(seq, task(PRIMES_URL, 'isPrime', WARM_PRIME));
    for (const kind of kinds)
      for (const size of o.sizes) {
        ctx.progress(`pool sizes: starting the ${LABEL[kind]} of ${size}`);
        const ex = await o.make(kind, size);
        pools.push({ kind, size, key: `${kind} ${size}`, ex });
        await warm(ex, task(PRIMES_URL, 'isPrime', WARM_PRIME));
      }
    const measured = await timeRounds<boolean>(ctx, [{ key: 'sequential', ex: seq, runs: ctx.repeat }, ...pools.map((p) => ({ key: p.key, ex: p.ex, runs: ctx.repeat }))], tasks);
    const sequential = measured.get('sequential')?.walls ?? [];
    for (const p of pools) {
      const b = measured.get(p.key) as RoundsBatch<boolean>;
      const m = ctx.metric({ name: 'primes batch', unit: 'ms', better: 'lower', variant: { executor: p.kind, workers: p.size, sweep: true }, samples: b.walls });
      const sp = ratioOfMedians(sequential, b.walls);
      (speedup[p.kind] ??= {})[p.size] = sp.ratio;
      const want = Math.min(p.size, tasks.length);
      let peak = peakConcurrency(b.runs);
      // Short tasks may end before a busy machine gets the last worker going: then let `want` tasks wait for each other.
      if (peak < want && (await allMeet(p.ex, want, dir))) peak = want;
      if (peak !== want) short.push(`${p.kind} of ${p.size}: ${peak} at once`);
      rows.push({
        pool: p.kind,
        workers: p.size,
        wall: { value: m.median, low: m.ci.low, high: m.ci.high },
        speedup: { value: sp.ratio, low: sp.low, high: sp.high },
        efficiency: (100 * sp.ratio) / p.size,
        busy: 100 * utilization(b.runs, b.walls[b.walls.length - 1] ?? NaN, p.size),
        peak,
      });
    }
  } finally {
    await seq.shutdown();
    for (const p of pools) await p.ex.shutdown();
  }
  ctx.table({
    title: `Pool sizes: the same ${o.numbers.length} numbers, ${o.cores} cores`,
    columns: [
      { key: 'pool', label: 'pool', align: 'left' },
      { key: 'workers', label: 'workers' },
      { key: 'wall', label: 'wall', unit: 'ms' },
      { key: 'speedup', label: 'speedup', unit: 'x' },
      { key: 'efficiency', label: 'efficiency', unit: '%' },
      { key: 'busy', label: 'busy', unit: '%' },
      { key: 'peak', label: 'at once' },
    ],
    rows,
    note:
      `${ctx.repeat === 1 ? 'one run each' : `median of ${ctx.repeat} runs`}, interleaved with sequential runs; threads: the piscina pool, processes: the process pool. speedup over sequential; efficiency = speedup / workers; busy = time inside tasks / (wall x workers); ` +
      `at once = most tasks running at the same instant (from the tasks' own times, or tasks that waited for each other). ` +
      `Past ${o.cores} workers the threads take turns on the cores: the wall stops falling and efficiency drops.`,
  });
  ctx.check(
    'a pool of n runs n tasks at once',
    short.length === 0,
    short.length ? short.join('; ') : `${rows.length} pools, ${o.sizes.join('/')} workers`,
  );
  return { speedup };
}
