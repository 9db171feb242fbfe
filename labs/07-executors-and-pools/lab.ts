import os from 'node:os';
import { defineLab } from '../../src/core/lab.js';
import { DEFAULT_NUMBERS, QUICK_NUMBERS } from '../../src/workloads/primes.js';
import { benchmark } from './benchmark.js';
import { realExecutors, sharedPools } from './executors.js';
import { idleTimeout } from './idle-timeout.js';
import { poolSizes } from './pool-sizes.js';
import { semantics } from './semantics.js';
import { taskSizes } from './task-sizes.js';
import { timeline } from './timeline.js';

const CORES = os.availableParallelism();
const sizes = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);

export default defineLab({
  id: 7,
  slug: 'executors-and-pools',
  title: 'Executors and pools',
  summary: 'one Executor, four ways: sequential, a piscina thread pool, a process pool, a worker per task; costs and semantics',
  chapter:
    "Futures are Promises: submit() returns one, map() keeps input order, asCompleted() yields as tasks finish. In Python " +
    "the GIL makes a thread pool lose on CPU-bound work; Node's worker threads each have their own isolate and run " +
    'truly in parallel, so threads win here, as processes do, until the task is too small to pay for its trip.',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    numbers: {
      type: 'list',
      default: DEFAULT_NUMBERS,
      min: 2,
      max: Number.MAX_SAFE_INTEGER,
      maxItems: 100,
      help: 'the numbers to test for primality (the book: 15 near 1e14-1e15)',
    },
    poolSizes: { type: 'list', default: sizes([1, 2, 4, 2 * CORES]), min: 1, max: 64, maxItems: 8, help: 'workers per pool in the sweep' },
    taskSizes: { type: 'list', default: [10, 100, 1000, 10_000, 30_000], min: 1, max: 100_000, maxItems: 8, help: 'work per task in µs for the overhead sweep' },
    bursts: { type: 'integer', default: 6, min: 2, max: 50, help: 'bursts of tasks in the idleTimeout experiment' },
  },
  quick: { numbers: [...QUICK_NUMBERS], poolSizes: [CORES], taskSizes: [10, 10_000], bursts: 2 },
  repeat: { default: 3, quick: 1 },
  warmup: { default: 0, quick: 0 },
  timeout: 180,
  async run(ctx) {
    const o = ctx.options;
    const cores = ctx.machine.effectiveCores;
    // One pool of each kind for the whole run (a thread or a process takes tens of ms to start);
    // the semantics, last, takes them over and shuts them down.
    const pools = sharedPools(realExecutors(ctx));

    const bench = await benchmark(ctx, { numbers: o.numbers, size: cores, make: pools.lend });
    await poolSizes(ctx, { numbers: o.numbers, sizes: o.poolSizes, cores, make: pools.lend });
    await taskSizes(ctx, {
      sizes: o.taskSizes,
      workers: cores,
      trips: ctx.quick ? 30 : 200,
      budgetUs: ctx.quick ? 30_000 : 100_000,
      maxTasks: ctx.quick ? 200 : 500,
      make: pools.lend,
    });
    await idleTimeout(ctx, { bursts: o.bursts, gapMs: 30, threads: Math.max(2, cores), minThreads: Math.max(1, Math.floor(cores / 2)), taskUs: 2000, make: pools.lend });
    await timeline(ctx, { numbers: o.numbers, size: cores, make: pools.lend });
    await semantics(ctx, { size: cores, make: pools.handOver });
    await pools.close();

    ctx.progress('done', 1);
    ctx.headline('thread pool speedup', Number((bench.speedup.threads ?? NaN).toFixed(2)), 'x');
  },
});
