import { defineLab } from '../../src/core/lab.js';
import { startDelayServer } from '../../src/workloads/delay-server.js';
import { asyncioCalls } from './calls.js';
import { fanout } from './fanout.js';
import { loopLag } from './loop-lag.js';
import { loopOrder } from './order.js';
import { startChildren, topLevelOrder } from './top-level.js';

export default defineLab({
  id: 9,
  slug: 'event-driven',
  title: 'Event-driven programming: the loop, traced',
  summary: 'the event loop traced, loop lag, fan-out under a limit, gather, race, timeout and cancel',
  chapter:
    "On Node the event loop is the runtime itself. The order in which nextTick, promise reactions, timers, immediates, I/O " +
    'and close callbacks run is traced from code the lab runs, and what Node does not promise is shown as a race. ' +
    'One thread then serves and fetches many slow requests at once, under a limit, and cancels what it no longer needs.',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    runs: { type: 'integer', default: 200, min: 1, max: 100_000, help: 'loop traces from each place' },
    children: { type: 'integer', default: 20, min: 1, max: 1000, help: 'runs of each child process (CommonJS, ES module)' },
    blocks: { type: 'list', default: [0, 20, 50, 100], min: 0, max: 2000, maxItems: 8, help: 'loop-lag block lengths in ms' },
    requests: { type: 'integer', default: 64, min: 1, max: 10_000, help: 'requests to fan out' },
    limit: { type: 'list', default: [1, 2, 4, 8, 16, 32, 64], min: 1, max: 1000, maxItems: 12, help: 'concurrency limit (one value or a list to sweep)' },
    delay: { type: 'duration', default: 20, min: 1, max: 1000, help: "the server's delay per request" },
  },
  quick: { runs: 30, children: 5, blocks: [0, 20, 50], requests: 12, limit: [1, 3, 12] },
  repeat: { default: 3, quick: 2 },
  warmup: { default: 0, quick: 0 },
  timeout: 120,
  async run(ctx) {
    const o = ctx.options;
    // The children start Node in processes of their own while this thread traces its loop and
    // blocks it (the load they add bends neither: the orders are guaranteed, a block is a block).
    const children = startChildren(ctx, { runs: o.children });
    const traces = await loopOrder(ctx, { runs: o.runs });
    const lag = await loopLag(ctx, { blocks: o.blocks, repeats: ctx.repeat });
    await topLevelOrder(ctx, { runs: o.children, ioTraces: traces.io, started: children });

    const server = await startDelayServer({ delayMs: o.delay });
    ctx.defer(() => server.close());
    const fan = await fanout(ctx, { server, requests: o.requests, limits: o.limit, repeat: ctx.repeat });
    await asyncioCalls(ctx, { server });

    ctx.progress('done', 1);
    const lo = Math.min(...o.limit);
    const hi = Math.max(...o.limit);
    const speedup = (fan.throughput.get(hi) ?? 0) / (fan.throughput.get(lo) ?? 1);
    ctx.headline(lo === hi ? `req/s at limit ${hi}` : `limit ${hi} vs ${lo}`, lo === hi ? (fan.throughput.get(hi) ?? 0) : Number(speedup.toFixed(1)), lo === hi ? 'req/s' : 'x');
    ctx.note(`a ${lag.longestBlock} ms block held a setTimeout(0) back ${lag.timerMs.toFixed(1)} ms`);
  },
});
