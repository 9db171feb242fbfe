import os from 'node:os';
import { defineLab } from '../../src/core/lab.js';
import { REQUESTS } from '../../src/gpu/choice.js';
import { cpuTasks } from './cpu-tasks.js';
import { dataParallel } from './data-parallel.js';
import { openGpuModel, type GpuRequest } from './gpu.js';
import { ioRequests } from './io.js';
import { MODEL_LABEL } from './models.js';
import { openPools } from './pools.js';
import { recommendations } from './recommendations.js';
import { sharedState } from './shared-state.js';

const GPU_CHOICES: readonly GpuRequest[] = [...REQUESTS, 'off'];

export default defineLab({
  id: 12,
  slug: 'choosing-a-solution',
  title: 'Choosing a solution',
  summary: 'five workloads against one thread, a thread pool, a process pool and a GPU job: the winner, its margin, and what to use',
  chapter:
    'How to choose? Measure. Five kinds of work meet four ways to run them, on this machine; for each, the fastest, by how ' +
    'much and how surely, and what to use: the winner, or the simplest when the top models cannot be told apart.',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    workers: { type: 'integer', default: () => os.availableParallelism(), min: 1, max: 64, help: 'threads in the thread pool, processes in the process pool' },
    gpu: { type: 'choice', default: 'auto', choices: GPU_CHOICES, help: 'gpu.js backend of the GPU job (auto: a hardware GPU first); off: not run' },
    smallTasks: { type: 'integer', default: 400, min: 2, max: 100_000, help: 'CPU-bound small tasks in a batch' },
    smallNear: { type: 'number', default: 1e7, min: 100, max: 4e15, help: 'size of a small task: is n prime, n near this' },
    largeTasks: { type: 'integer', default: 8, min: 2, max: 1000, help: 'CPU-bound large tasks in a batch' },
    largeNear: { type: 'number', default: 1e13, min: 100, max: 4e15, help: 'size of a large task: is n prime, n near this' },
    requests: { type: 'integer', default: 100, min: 1, max: 2000, help: 'HTTP requests in a batch (all at once)' },
    delay: { type: 'duration', default: 20, min: 0, max: 5000, help: "the server's delay before each answer" },
    updates: { type: 'integer', default: 2_000_000, min: 2, max: 50_000_000, help: 'transfers in a batch of the shared-state workload' },
    accounts: { type: 'integer', default: 64, min: 2, max: 1_000_000, help: 'accounts the transfers update' },
    matrix: { type: 'integer', default: 256, min: 8, max: 1024, help: 'N of the N x N matrix multiply' },
    alpha: { type: 'number', default: 0.05, min: 0.0001, max: 0.5, help: 'significance level of the Mann-Whitney test' },
  },
  quick: { smallTasks: 150, largeTasks: 4, largeNear: 1e12, requests: 32, delay: 10, updates: 250_000, matrix: 160 },
  repeat: { default: 15, quick: 7 },
  warmup: { default: 1, quick: 1 },
  timeout: 300,
  async run(ctx) {
    const o = ctx.options;
    const timing = { rounds: ctx.repeat, warmup: ctx.warmup };
    const pools = await openPools(ctx, { size: o.workers });
    const results = [
      await cpuTasks(ctx, { workload: 'cpu-small', count: o.smallTasks, near: o.smallNear, pools, ...timing }),
      await cpuTasks(ctx, { workload: 'cpu-large', count: o.largeTasks, near: o.largeNear, pools, ...timing }),
      await ioRequests(ctx, { count: o.requests, delayMs: o.delay, pools, ...timing }),
      await sharedState(ctx, { updates: o.updates, accounts: o.accounts, pools, ...timing }),
    ];
    const gpu = await openGpuModel(ctx, { requested: o.gpu });
    results.push(await dataParallel(ctx, { n: o.matrix, pools, gpu, ...timing }));
    await gpu.job?.close();
    await pools.close();
    const recs = recommendations(ctx, results, { alpha: o.alpha });

    ctx.output('workloads', results.map((w) => w.workload));
    ctx.progress('done', 1);
    const uses = new Map<string, number>();
    for (const r of recs) uses.set(MODEL_LABEL[r.model], (uses.get(MODEL_LABEL[r.model]) ?? 0) + 1);
    ctx.headline('use', [...uses].map(([m, k]) => `${m} for ${k}`).join(', '));
  },
});
