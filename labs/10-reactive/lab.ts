import { defineLab } from '../../src/core/lab.js';
import { aggregates } from './aggregates.js';
import { backpressure } from './backpressure.js';
import { coldHot } from './cold-hot.js';
import { marbleDiagrams } from './diagrams.js';
import { mergeAndRetry } from './merge-retry.js';
import { pipeline } from './pipeline.js';
import { schedulers } from './schedulers.js';

// rxjs is loaded inside each experiment (await import('rxjs')): `conc list` imports this file and must stay fast.
export default defineLab({
  id: 10,
  slug: 'reactive',
  title: 'Reactive programming with rxjs',
  summary: 'rxjs: cold and hot, marble diagrams in virtual time, one aggregate three ways, backpressure',
  chapter:
    'A stream of sensor readings through rxjs: cold and hot, map/filter/scan, windows, throttle vs debounce vs sample, ' +
    'mergeMap under a limit and retry, drawn as marble diagrams from real runs in virtual time. The same aggregate is ' +
    'computed with rxjs, EventEmitters and async iterators; schedulers meet the event loop; a fast producer meets a slow consumer.',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    readings: { type: 'integer', default: 10, min: 2, max: 40, help: 'readings in the pipeline drawn as marble diagrams' },
    window: { type: 'integer', default: 3, min: 1, max: 100, help: 'moving-average and bufferCount window' },
    jobs: { type: 'integer', default: 8, min: 1, max: 1000, help: 'jobs through mergeMap' },
    concurrency: { type: 'integer', default: 3, min: 1, max: 100, help: "mergeMap's concurrency limit" },
    events: { type: 'integer', default: 200_000, min: 1, max: 10_000_000, help: 'readings for the aggregate (three ways)' },
    rate: { type: 'integer', default: 2000, min: 1, max: 100_000, help: 'backpressure: producer events/s' },
    pace: { type: 'integer', default: 500, min: 1, max: 10_000, help: 'backpressure: consumer calls/s' },
    duration: { type: 'duration', default: 1000, min: 10, max: 60_000, help: 'backpressure: how long the producer runs' },
  },
  quick: { events: 20_000, rate: 1000, pace: 250, duration: 200 },
  repeat: { default: 5, quick: 3 },
  warmup: { default: 1, quick: 1 },
  timeout: 120,
  async run(ctx) {
    const o = ctx.options;
    const hotCold = await coldHot(ctx, { readings: 6 });
    const pipes = await pipeline(ctx, { readings: o.readings, window: o.window });
    await mergeAndRetry(ctx, { jobs: o.jobs, concurrency: o.concurrency });
    await marbleDiagrams(ctx, [hotCold, ...pipes]);
    const agg = await aggregates(ctx, { events: o.events, window: o.window });
    await schedulers(ctx, { runs: ctx.quick ? 5 : 20 });
    await backpressure(ctx, { rate: o.rate, pace: o.pace, durationMs: o.duration });
    ctx.progress('done', 1);
    ctx.headline('emitter vs rxjs', Number((agg.eventsPerSec.emitter / agg.eventsPerSec.rxjs).toFixed(2)), 'x');
  },
});
