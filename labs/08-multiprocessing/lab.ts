import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineLab } from '../../src/core/lab.js';
import { ipcThroughput } from './ipc.js';
import { lifecycles } from './lifecycles.js';
import { RUN_MARK } from './messages.js';
import { piPool } from './pi-pool.js';
import { noSurvivors, stopDaemon } from './the-end.js';

const CORES = os.availableParallelism();
const sizes = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);

export default defineLab({
  id: 8,
  slug: 'multiprocessing',
  title: 'Multiprocessing',
  summary: 'a process from fork to exit, SIGTERM against SIGKILL, a daemon, IPC throughput, a process pool computing pi',
  chapter:
    'A process is forked, says it is ready, works, and ends with an exit code or a signal: SIGTERM can be handled, SIGKILL ' +
    'cannot. Processes share no memory, so everything between them is a message copied through the kernel. A pool of them ' +
    'computes pi, the same digits whatever its size, because every chunk has its own seeded random stream.',
  // Signals, sessions and the pids in /proc are the lab process's own: it runs as a process.
  host: 'process',
  hosts: ['process'],
  options: {
    sizes: { type: 'list', default: [64, 4096, 65_536, 1_048_576], min: 1, max: 16_777_216, maxItems: 6, help: 'IPC message sizes in bytes' },
    samples: { type: 'integer', default: 40_000_000, min: 1000, max: 100_000_000_000, help: 'Monte Carlo points for pi' },
    chunk: { type: 'integer', default: 2_500_000, min: 1000, max: 1_000_000_000, help: 'points per task (each chunk has its own random stream)' },
    poolSizes: { type: 'list', default: sizes([1, 2, 4, 2 * CORES]), min: 1, max: 64, maxItems: 8, help: 'processes per pool for pi' },
    maxTasksPerChild: { type: 'integer', default: 4, min: 0, max: 1_000_000, help: 'retire a child after this many tasks (0: never)' },
    item: { type: 'duration', default: 40, min: 5, max: 2000, help: "how long one item of a child's work takes" },
  },
  quick: { sizes: [64, 65_536], samples: 16_000_000, chunk: 2_000_000, poolSizes: sizes([1, CORES]), item: 25 },
  repeat: { default: 3, quick: 1 },
  warmup: { default: 0, quick: 0 },
  timeout: 120,
  async run(ctx) {
    const o = ctx.options;
    // Every child inherits this mark in its environment: at the end, /proc shows whether any process of this run is left.
    const mark = { name: RUN_MARK, value: randomUUID() };
    process.env[mark.name] = mark.value;
    ctx.defer(() => delete process.env[mark.name]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'conc-lab8-'));
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));

    const lives = await lifecycles(ctx, { itemMs: o.item, dir, daemonLifeMs: 300_000 });
    const ipc = await ipcThroughput(ctx, { sizes: o.sizes, budget: ctx.quick ? 2 ** 21 : 2 ** 24, maxMessages: ctx.quick ? 4000 : 20_000 });
    const pi = await piPool(ctx, { samples: o.samples, chunk: o.chunk, sizes: sizes(o.poolSizes), maxTasksPerChild: o.maxTasksPerChild, seed: ctx.seed });
    await stopDaemon(ctx, lives.daemon);
    await noSurvivors(ctx, { pids: [...lives.pids, ...ipc.pids, ...pi.pids], mark });

    ctx.progress('done', 1);
    ctx.headline('pi', Number((Object.values(pi.estimates)[0] ?? NaN).toFixed(6)));
  },
});
