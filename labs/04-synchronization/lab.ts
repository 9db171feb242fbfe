/**
 * Lab 4: synchronization between threads. First a race on one shared counter
 * (plain ++, atomic load then store, Atomics.add, a Mutex), then the dining philosophers:
 * each a worker thread, forks in shared memory, five strategies, a watchdog
 * that finds deadlocks in the wait-for graph and ends them cleanly, and checks
 * replayed from a shared event log.
 */
import { defineLab } from '../../src/core/lab.js';
import { createRng } from '../../src/core/rng.js';
import { Pool, dine, type Dinner, type DinnerConfig } from './dining.js';
import { shortCycle } from './deadlock.js';
import { STRATEGIES, type Strategy } from './messages.js';
import { runRace } from './race.js';
import { checkDining, showDining } from './show-dining.js';
import { showPrimitives } from './show-primitives.js';
import { showRace } from './show-race.js';

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
  quick: { meals: 20 },
  repeat: { default: 5, quick: 3 },
  warmup: { default: 1, quick: 1 },
  timeout: 120,
  async run(ctx) {
    const o = ctx.options;

    // 1. The race: why synchronization at all.
    const race = await runRace(ctx, o.workers, o.increments, ctx.repeat, ctx.warmup);
    const { lostPct } = showRace(ctx, race);

    // 2. The dinner: what synchronization can cost.
    const n = o.philosophers;
    const cfg: DinnerConfig = {
      n,
      meals: o.meals,
      think: o.think,
      eat: o.eat,
      reach: o.reach,
      // A bound no deadlock-free strategy should get near: every meal eaten
      // one at a time, each after the longest think, twice over, plus slack
      // for starting threads on a busy machine.
      limitMs: 5_000 + 2 * o.meals * (n * (o.eat[1] + o.reach[1]) + o.think[1]),
    };
    const strategies: readonly Strategy[] = o.strategy === 'all' ? STRATEGIES : [o.strategy];
    const pool = new Pool(ctx);
    const dinners: Dinner[] = [];
    for (const strategy of strategies) {
      dinners.push(
        await dine(ctx, pool, strategy, cfg, (d) =>
          ctx.progress(`deadlock in ${strategy}: ${shortCycle(d.cycle)}; stopping the table`),
        ),
      );
    }
    const shown = showDining(ctx, dinners, cfg);
    checkDining(ctx, shown, cfg);
    showPrimitives(ctx, race, shown, cfg);

    // Deterministic for a seed: the planned schedule, and the meals of the
    // strategies that cannot deadlock (naive's fate depends on timing).
    ctx.output('dining.schedule', plannedMs(ctx.rng.derive.bind(ctx.rng), cfg));
    for (const d of dinners) {
      if (d.strategy !== 'naive') ctx.output(`dining.${d.strategy}.meals`, d.meals.reduce((a, b) => a + b, 0));
    }
    ctx.headline('updates lost by load-then-store', Math.round(lostPct * 10) / 10, '%');
  },
});

/** Total think + eat + reach time the seed planned for all philosophers, ms (as the workers draw it). */
function plannedMs(derive: (label: number) => number, cfg: DinnerConfig): number {
  let total = 0;
  for (let i = 0; i < cfg.n; i++) {
    const rng = createRng(derive(i));
    for (let m = 0; m < cfg.meals; m++) {
      total += rng.float(cfg.think[0], cfg.think[1]) + rng.float(cfg.eat[0], cfg.eat[1]) + rng.float(cfg.reach[0], cfg.reach[1]);
    }
  }
  return Math.round(total * 1000) / 1000;
}
