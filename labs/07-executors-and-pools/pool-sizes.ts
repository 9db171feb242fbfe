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
import { LABEL, timeBatch, warm, type Batch, type MakeExecutor } from './executors.js';

export interface PoolSizesOptions {
  numbers: readonly number[];
  sizes: readonly number[];
  /** Wall times of the batch on the lab's thread, ms (from the benchmark). */
  sequential: readonly number[];
  cores: number;
  make: MakeExecutor;
  kinds?: readonly ExecutorKind[];
  /** Batches the benchmark measured with this many workers: reused, not run again. */
  measured?: { size: number; batches: Partial<Record<ExecutorKind, Batch<boolean>>> };
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
  let step = 0;
  for (const kind of kinds) {
    speedup[kind] = {};
    for (const size of o.sizes) {
      ctx.progress(`pool sizes: ${LABEL[kind]}, ${size}`, step++ / (kinds.length * o.sizes.length));
      const known = o.measured?.size === size ? o.measured.batches[kind] : undefined;
      let ex = known ? null : await o.make(kind, size);
      try {
        if (ex) await warm(ex, task(PRIMES_URL, 'isPrime', WARM_PRIME));
        const b = known ?? (await timeBatch<boolean>(ctx, ex as Executor, tasks));
        const m = ctx.metric({ name: 'primes batch', unit: 'ms', better: 'lower', variant: { executor: kind, workers: size }, samples: b.walls });
        const sp = ratioOfMedians(o.sequential, b.walls);
        (speedup[kind] as Record<number, number>)[size] = sp.ratio;
        const want = Math.min(size, tasks.length);
        let peak = peakConcurrency(b.runs);
        // Short tasks may end before a busy machine gets the last worker going: then let `want` tasks wait for each other.
        if (peak < want) {
          ex ??= await o.make(kind, size);
          if (await allMeet(ex, want, dir)) peak = want;
        }
        if (peak !== want) short.push(`${kind} of ${size}: ${peak} at once`);
        rows.push({
          pool: kind,
          workers: size,
          wall: { value: m.median, low: m.ci.low, high: m.ci.high },
          speedup: { value: sp.ratio, low: sp.low, high: sp.high },
          efficiency: (100 * sp.ratio) / size,
          busy: 100 * utilization(b.runs, b.walls[b.walls.length - 1] ?? NaN, size),
          peak,
        });
      } finally {
        await ex?.shutdown();
      }
    }
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
      `threads: the piscina pool, processes: the process pool. speedup over sequential; efficiency = speedup / workers; busy = time inside tasks / (wall x workers); ` +
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
