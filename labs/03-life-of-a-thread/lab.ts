import { defineLab } from '../../src/core/lab.js';
import { cpuPool } from './cpu-pool.js';
import { lifecycles } from './lifecycles.js';
import { poolWaves } from './pool.js';
import { startup } from './startup.js';
import { osThreads } from './threads.js';
import { unrefWorker } from './unref.js';

export default defineLab({
  id: 3,
  slug: 'life-of-a-thread',
  title: 'Life of a thread',
  summary: 'worker lifecycles on a timeline, OS threads per worker, libuv pool waves, thread vs process start-up',
  chapter:
    'A thread is created, comes online, works, and exits: normally, by throwing, by being terminated or by running out of memory. ' +
    'Each worker is one OS thread of its process, while libuv keeps its own fixed pool of threads for fs, dns and crypto, ' +
    'so k calls that each hold a pool thread complete in waves of UV_THREADPOOL_SIZE. Threads start several times faster than processes.',
  // /proc/self/task must be the lab's own process, not the CLI's; pool sizes need child processes anyway.
  host: 'process',
  hosts: ['process'],
  options: {
    threads: { type: 'integer', default: 4, min: 1, max: 64, help: 'workers started (then stopped) while counting OS threads' },
    poolSizes: {
      type: 'list',
      default: [1, 2, 4, 8],
      min: 1,
      max: 128,
      minItems: 1,
      maxItems: 8,
      help: 'UV_THREADPOOL_SIZE values, one child process each',
    },
    tasks: { type: 'integer', default: 8, min: 1, max: 128, help: 'calls k queued at once per pool size' },
    hold: { type: 'duration', default: 100, min: 10, max: 1000, help: 'how long the gate holds each wave of calls on the pool' },
    rounds: { type: 'integer', default: 3, min: 1, max: 20, help: 'runs of each pool size' },
    cpu: { type: 'boolean', default: true, help: 'also queue pbkdf2 calls on the same pool sizes: CPU-bound work, shown, not checked' },
    callMs: { type: 'duration', default: 100, min: 5, max: 2000, help: 'time of one pbkdf2 call (with --cpu)' },
    lifetime: { type: 'duration', default: 3000, min: 200, max: 60000, help: "how long the terminated and unref'd workers would run" },
  },
  quick: { hold: 50, rounds: 1, cpu: false, lifetime: 600 },
  repeat: { default: 15, quick: 5 },
  warmup: { default: 1, quick: 1 },
  timeout: 180,
  async run(ctx) {
    const o = ctx.options;
    const lives = await lifecycles(ctx, { lifetime: o.lifetime });
    await osThreads(ctx, { threads: o.threads });
    await unrefWorker(ctx, { lifetime: o.lifetime, unrefd: lives.unrefd });
    await poolWaves(ctx, { poolSizes: o.poolSizes, tasks: o.tasks, hold: o.hold, rounds: o.rounds });
    if (o.cpu) await cpuPool(ctx, { poolSizes: o.poolSizes, tasks: o.tasks, callMs: o.callMs });
    const st = await startup(ctx, { warmup: ctx.warmup, repeat: ctx.repeat });
    ctx.headline('process vs thread start-up', Number(st.ratio.toFixed(2)), 'x');
  },
});
