import { defineLab } from '../../src/core/lab.js';
import { backpressure } from './backpressure.js';
import { Endpoints } from './endpoints.js';
import { WAIT_MS } from './flows.js';
import { ringSpeedup } from './ring-speedup.js';
import { sharedQueues } from './shared-queues.js';
import { transports } from './transports.js';

export default defineLab({
  id: 5,
  slug: 'communication',
  title: 'Communication between threads',
  summary: 'postMessage, transfer, MessageChannel, SPSC ring buffer and blocking queue: throughput and latency',
  chapter:
    'Threads that cooperate must pass data: by copying it through a message queue, by handing over ownership, or by sharing memory guarded by atomics. ' +
    'Each costs differently per message and per byte; a bounded queue adds backpressure, so a fast producer waits instead of drowning its consumer.',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    sizes: { type: 'list', default: [64, 4096, 1048576], min: 16, max: 16777216, maxItems: 8, help: 'message sizes in bytes' },
    duration: { type: 'duration', default: 100, min: 5, max: 10000, help: 'target time of one throughput run (its message count is calibrated to it; 64 MiB of payload at most)' },
    pings: { type: 'integer', default: 1000, min: 20, max: 1000000, help: 'round trips per latency measurement (at most 64 MiB each way, at least 20)' },
  },
  quick: { sizes: [64, 4096], duration: 30, pings: 300 },
  repeat: { default: 5, quick: 3 },
  warmup: { default: 1, quick: 1 },
  timeout: 180,
  async run(ctx) {
    const o = ctx.options;
    ctx.progress('starting endpoint workers');
    // Four endpoint workers serve every experiment: starting one costs more than many measurements.
    const ep = await Endpoints.start((url) => ctx.worker(url), 4, 3 * WAIT_MS, ctx.signal);

    const t = await transports(ctx, { ep, sizes: o.sizes, durationMs: o.duration, pings: o.pings });
    await backpressure(ctx, { ep, earlier: t.queueRows });
    await sharedQueues(ctx, { ep, items: 8, perProducer: ctx.quick ? 1000 : 4000 });
    const ring = await ringSpeedup(ctx, { ep, at64: t.at64 });

    if (ring) ctx.headline('ring buffer vs postMessage, 64 B', Number(ring.ratio.toFixed(1)), 'x');
  },
});
