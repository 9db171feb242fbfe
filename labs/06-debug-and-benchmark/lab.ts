import { defineLab } from '../../src/core/lab.js';
import { eventLoopDelay } from './event-loop.js';
import { harness } from './harness.js';
import { lockOrder } from './lock-order.js';
import { cpuProfile, prepareProfileDir } from './profile.js';
import { raceHunter } from './race.js';

/** How far the harness's median of the busy loop may stray from its calibration on a noisy shared machine. */
const HARNESS_TOLERANCE = 0.25;

export default defineLab({
  id: 6,
  slug: 'debug-and-benchmark',
  title: 'Debug and benchmark',
  summary: 'the harness on itself, event-loop delay, a CPU profile, a seeded race hunter, a lock-order checker',
  chapter:
    'Measuring tools have to be measured too: a calibrated busy loop shows warm-up, outliers and the CI of a median, ' +
    'and a blocked event loop shows up in its delay histogram. Races and deadlocks hide in timing: a seeded scheduler ' +
    'makes a racy run repeatable, and a lock-order graph reveals a deadlock that did not happen this time.',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    target: { type: 'duration', default: 2, min: 0.5, max: 100, help: 'what the busy loop is calibrated to take' },
    bins: { type: 'integer', default: 16, min: 4, max: 50, help: 'histogram bins for the busy-loop samples' },
    blocks: { type: 'list', default: [0, 10, 50, 100], min: 0, max: 2000, maxItems: 8, help: 'event-loop block lengths in ms' },
    blockRepeats: { type: 'integer', default: 5, min: 1, max: 100, help: 'how many times each block length is repeated' },
    profile: { type: 'duration', default: 500, min: 50, max: 60_000, help: 'how long the profiled worker runs' },
    cpuProf: { type: 'string', default: '', meta: 'a directory', dir: true, help: "write the worker's CPU profile (.cpuprofile) into this directory" },
    runs: { type: 'integer', default: 400, min: 1, max: 100_000, help: 'race hunter: runs of each program and schedule' },
    workers: { type: 'integer', default: 2, min: 2, max: 8, help: 'race hunter: worker threads' },
    transfers: { type: 'integer', default: 4, min: 1, max: 1000, help: 'race hunter: transfers per worker per run' },
    preempt: { type: 'number', default: 0.01, min: 0, max: 1, help: 'race hunter: chance the seeded scheduler switches worker at a scheduling point' },
    hold: { type: 'duration', default: 5, min: 0, max: 1000, help: 'lock-order checker: how long a worker holds its inner lock' },
  },
  quick: { blocks: [0, 10, 50], blockRepeats: 3, profile: 200, runs: 100 },
  repeat: { default: 200, quick: 60 },
  warmup: { default: 20, quick: 10 },
  timeout: 120,
  async run(ctx) {
    const o = ctx.options;
    // Check the profile directory first: a bad --cpu-prof should fail in a moment, not after the experiments.
    const profileDir = o.cpuProf ? prepareProfileDir(o.cpuProf) : '';

    await harness(ctx, { targetMs: o.target, bins: o.bins, tolerance: HARNESS_TOLERANCE });
    await eventLoopDelay(ctx, { blocks: o.blocks, repeats: o.blockRepeats });
    await cpuProfile(ctx, { durationMs: o.profile, dir: profileDir });
    const race = await raceHunter(ctx, { runs: o.runs, workers: o.workers, transfers: o.transfers, preempt: o.preempt });
    await lockOrder(ctx, { holdMs: o.hold });

    ctx.progress('done', 1);
    ctx.headline(
      'buggy transfer broke',
      race.firstSeed === null ? `0/${race.runs} runs` : `${race.broken}/${race.runs} runs, first at seed ${race.firstSeed}`,
    );
  },
});
