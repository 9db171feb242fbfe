import os from 'node:os';
import { defineLab } from '../../src/core/lab.js';
import { cpuWorkload, HIGH, LOW } from './cpu.js';
import { ioWorkload } from './io.js';
import { speedupChart } from './speedup-chart.js';
import { startup } from './startup.js';

export default defineLab({
  id: 1,
  slug: 'speed-it-up',
  title: 'Speed it up: sequential, async, threads, processes',
  summary: 'factorise integers and call a slow HTTP server: sequential, async, k threads, k processes',
  chapter:
    'Concurrency pays when there is something to overlap. Waiting (I/O) overlaps on one thread with async code; ' +
    'computing (CPU) needs more cores, through threads or processes, and each of those costs time to start.',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    workload: { type: 'choice', default: 'both', choices: ['cpu', 'io', 'both'], help: 'which workload to run' },
    numbers: {
      type: 'integer',
      default: 200_000,
      min: 1,
      max: 5_000_000,
      help: `integers in [${LOW}, ${HIGH}] to factorise (CPU workload)`,
    },
    requests: { type: 'integer', default: 32, min: 1, max: 1000, help: 'HTTP requests to send (I/O workload)' },
    workers: {
      type: 'integer',
      default: () => os.availableParallelism(),
      min: 1,
      max: 64,
      help: 'k: threads or processes per run',
    },
    delay: { type: 'duration', default: 20, min: 0, max: 5000, help: 'how long the server takes to answer (I/O)' },
    fresh: {
      type: 'boolean',
      default: false,
      help: "start threads and processes anew in every timed run (the book's way), not once per variant",
    },
  },
  quick: { numbers: 80_000, requests: 10, delay: 10 },
  repeat: { default: 5, quick: 3 },
  // --quick skips warm-up runs: the untimed reference pass has already warmed this
  // thread's JIT and the start-up probe the file cache, and every thread or
  // process variant starts cold by design.
  warmup: { default: 1, quick: 0 },
  timeout: 120,
  async run(ctx) {
    const { workload, numbers, requests, delay, workers, fresh } = ctx.options;
    const started = await startup(ctx, { fresh });
    const cpu =
      workload === 'io' ? undefined : await cpuWorkload(ctx, { numbers, workers, fresh, threadStartMs: started.threadMs });
    const io = workload === 'cpu' ? undefined : await ioWorkload(ctx, { requests, delay, workers, fresh });
    speedupChart(ctx, [cpu?.speedups, io?.speedups]);

    const head = cpu?.speedups.threads ?? io?.speedups.async;
    if (head) {
      const who = head.k > 1 ? `${head.k} ${head.approach}` : head.approach;
      ctx.headline(`${head.workload} speedup, ${who}`, Number(head.ratio.toFixed(2)), 'x');
    }
  },
});
