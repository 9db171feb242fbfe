/**
 * The dining philosophers, one experiment: every strategy asked for at the
 * table as set, then on a stressed table, where naive deadlocks by force and
 * every deadlock-free strategy must still finish. Measures (dining.ts),
 * records (show-dining.ts) and checks (check-dining.ts).
 *
 * The stressed table: think 0, eat 0, and on the first meal a rendezvous
 * between the forks (table.ts): each philosopher holding a first fork waits
 * until every other one holds one too or is blocked. With naive forks nobody
 * can block on a first fork, so all N hold their left fork and reach for the
 * right: a deadlock on every run, which the watchdog must catch. A strategy
 * that takes forks like naive deadlocks there just as surely.
 */
import type { LabContext } from '../../src/core/lab.js';
import { shortCycle } from './deadlock.js';
import { Pool, dine, type Detector, type Dinner, type DinnerConfig } from './dining.js';
import type { Strategy } from './messages.js';
import { checkDining } from './check-dining.js';
import { showDining, type Shown } from './show-dining.js';

export interface DiningOptions {
  n: number;
  meals: number;
  think: [number, number];
  eat: [number, number];
  reach: [number, number];
  strategies: readonly Strategy[];
  /** The philosopher worker file. The seam for fault tests: a worker serving a policy table with a fault in it. */
  worker?: URL;
  /** The watchdog's cycle finder. The seam for the detector's fault test. */
  detect?: Detector;
}

export interface DiningResult {
  shown: Shown[];
  cfg: DinnerConfig;
}

/** Bound on the rendezvous: it ends as soon as all are there or blocked, in well under a millisecond. */
const RENDEZVOUS_MS = 2_000;

/**
 * A bound no deadlock-free strategy should get near: every meal eaten one at
 * a time, each after the longest think, twice over, plus slack for starting
 * threads on a busy machine.
 */
function limitMs(n: number, meals: number, think: number, eat: number, reach: number, extra: number): number {
  return 5_000 + extra + 2 * meals * (n * (eat + reach) + think);
}

export async function diningPhilosophers(ctx: LabContext<unknown>, o: DiningOptions): Promise<DiningResult> {
  const { n, meals } = o;
  const cfg: DinnerConfig = {
    n,
    meals,
    think: o.think,
    eat: o.eat,
    reach: o.reach,
    limitMs: limitMs(n, meals, o.think[1], o.eat[1], o.reach[1], 0),
    rendezvousMs: 0,
  };
  const stress: DinnerConfig = {
    ...cfg,
    think: [0, 0],
    eat: [0, 0],
    limitMs: limitMs(n, meals, 0, 0, o.reach[1], RENDEZVOUS_MS),
    rendezvousMs: RENDEZVOUS_MS,
  };
  // Naive always runs on the stressed table: the deadlock every run has.
  const stressed: Strategy[] = ['naive', ...o.strategies.filter((s) => s !== 'naive')];

  const pool = new Pool(ctx, o.worker);
  const dinners: Dinner[] = [];
  try {
    for (const [setting, list] of [
      [cfg, o.strategies],
      [stress, stressed],
    ] as const) {
      for (const strategy of list) {
        const onDeadlock = (d: { cycle: Parameters<typeof shortCycle>[0] }): void =>
          ctx.progress(`deadlock in ${strategy}: ${shortCycle(d.cycle)}; stopping the table`);
        dinners.push(await dine(ctx, pool, strategy, setting, onDeadlock, o.detect));
      }
    }
  } finally {
    await pool.close();
  }
  const shown = showDining(ctx, dinners, cfg, stress);
  checkDining(ctx, shown, cfg);
  return { shown, cfg };
}
