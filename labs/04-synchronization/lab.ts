/**
 * Lab 4: synchronization between threads. First a race on one shared counter
 * (plain ++, atomic load then store, Atomics.add, a Mutex), then the dining
 * philosophers: each a worker thread, forks in shared memory, five
 * strategies, as set and on a stressed table where naive deadlocks by force,
 * a watchdog that finds deadlocks in the wait-for graph and ends them
 * cleanly, and checks replayed from a shared event log.
 */
import { defineLab } from '../../src/core/lab.js';
import { diningPhilosophers } from './dining-philosophers.js';
import { STRATEGIES } from './messages.js';
import { counterRace } from './race.js';
import { plannedMs } from './schedule.js';
import { showPrimitives } from './show-primitives.js';

export default defineLab({
  id: 4,
  slug: 'synchronization',
  title: 'Synchronization between threads',
  summary: 'a counter race (plain, load-then-store, Atomics.add, mutex), then dining philosophers: five strategies, deadlocks detected and ended',
  chapter:
    'Threads sharing memory must agree on who touches it when: without that, updates are lost; ' +
    'with locks taken in the wrong order, threads wait for each other forever. Both, measured and cured.',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    philosophers: { type: 'integer', default: 5, min: 2, max: 64, help: 'philosophers at the table, each a worker thread' },
    strategy: {
      type: 'choice',
      default: 'all',
      choices: ['all', 'naive', 'ordered', 'waiter', 'chandy-misra', 'try-lock'],
      help: 'how forks are taken: naive (left, then right), ordered (lower-numbered first), waiter (semaphore of N-1), chandy-misra (clean/dirty forks), try-lock (back off), or all to compare',
    },
    meals: { type: 'integer', default: 100, min: 1, max: 5000, help: 'meals per philosopher' },
    think: { type: 'range', default: [0, 2], min: 0, max: 1000, help: 'thinking time before each meal, ms (seeded)' },
    eat: { type: 'range', default: [0, 2], min: 0, max: 1000, help: 'eating time of each meal, ms (seeded)' },
    reach: { type: 'range', default: [0, 0.5], min: 0, max: 1000, help: 'pause between the first fork and the second, ms (seeded): the window a deadlock needs' },
    workers: { type: 'integer', default: 4, min: 2, max: 64, help: 'threads in the counter race' },
    increments: { type: 'integer', default: 1_000_000, min: 1000, max: 100_000_000, help: 'increments per race thread' },
  },
  quick: { meals: 20, increments: 500_000 },
  repeat: { default: 5, quick: 3 },
  warmup: { default: 1, quick: 1 },
  timeout: 120,
  async run(ctx) {
    const o = ctx.options;
    // 1. The race: why synchronization at all.
    const race = await counterRace(ctx, { workers: o.workers, increments: o.increments });
    // 2. The dinner: what synchronization can cost, and how it deadlocks.
    const table = { n: o.philosophers, meals: o.meals, think: o.think, eat: o.eat, reach: o.reach };
    const dining = await diningPhilosophers(ctx, { ...table, strategies: o.strategy === 'all' ? STRATEGIES : [o.strategy] });
    showPrimitives(ctx, race, dining.shown, dining.cfg);

    // Deterministic for a seed: the planned schedule, and the meals of the
    // strategies that cannot deadlock (naive's fate as set depends on timing).
    ctx.output('dining.schedule', plannedMs(ctx.rng.derive.bind(ctx.rng), table));
    for (const { dinner: d } of dining.shown) {
      if (d.strategy !== 'naive') ctx.output(`dining.${d.stressed ? 'stress.' : ''}${d.strategy}.meals`, d.meals.reduce((a, b) => a + b, 0));
    }
    ctx.headline('updates lost by load-then-store', Math.round(race.lostPct * 10) / 10, '%');
  },
});
