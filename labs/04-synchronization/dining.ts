/**
 * One dinner, lab side: set the table in shared memory, fire the starting gun,
 * and watch. The watchdog runs here, in the lab's thread, and never blocks:
 * every WATCH_MS it reads the log cursor (progress) and, when nothing has
 * moved for a while, a snapshot of who holds each fork and who waits for
 * which. A cycle in that wait-for graph that persists with no progress at all
 * is a deadlock: it is recorded, then the stop flag is set and every
 * philosopher leaves its timed wait loop, puts its forks down and returns.
 * Termination is the last resort, for a thread that does not answer the flag.
 */
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import { findCycle, sameCycle, type CycleStep, type Snapshot } from './deadlock.js';
import type { DineReply, DineRequest, Strategy } from './messages.js';
import { DiningTable, EV, logCapacity, type LogEntry } from './table.js';

const WATCH_MS = 10;
/** No progress for this long before the graph is even looked at... */
const QUIET_MS = 100;
/** ...and the same cycle in every snapshot for this long before it is a deadlock. */
const CONFIRM_MS = 100;
/** After the stop flag, how long philosophers get to leave before being terminated. */
const STOP_GRACE_MS = 2_000;
const ATTACH_TIMEOUT_MS = 20_000;

export interface DinnerConfig {
  n: number;
  meals: number;
  think: [number, number];
  eat: [number, number];
  reach: [number, number];
  /** Run time limit: past it the run is stopped and counts as unfinished. */
  limitMs: number;
  /** Stress: the rendezvous between the forks on the first meal (table.ts), ms; 0 for none. */
  rendezvousMs: number;
}

export interface Deadlock {
  cycle: CycleStep[];
  /** ms since the start: the last progress, and when the watchdog called it. */
  lastProgressMs: number;
  detectedMs: number;
  /** Log slots written when it was called: the log as it stood in the deadlock. */
  cursor: number;
}

export interface Dinner {
  strategy: Strategy;
  /** Run on the stressed table (think 0, eat 0, the rendezvous). */
  stressed: boolean;
  replies: DineReply[];
  /** Meals counted in shared memory, per philosopher. */
  meals: number[];
  entries: LogEntry[];
  overflow: number;
  /** Starting gun to the last DONE (or, in a deadlock, to the last progress before it), ms. */
  wallMs: number;
  deadlock?: Deadlock;
  /** Hit the time limit (no deadlock found): why. */
  unfinished?: string;
  /** Stop flag to the last philosopher out, ms (when a stop was needed). */
  stopMs?: number;
  /** Philosophers that did not answer the stop flag and were terminated. */
  terminated: number;
  maxSeated: number;
  retries: number;
}

/** Philosopher threads, started once and reused by every strategy. */
export class Pool {
  private workers: Worker[] = [];
  constructor(
    private readonly ctx: LabContext<unknown>,
    private readonly url: URL = new URL('./philosopher.worker.js', import.meta.url),
  ) {}

  get(n: number): Worker[] {
    while (this.workers.length < n) this.workers.push(this.ctx.worker(this.url));
    return this.workers.slice(0, n);
  }

  async close(): Promise<void> {
    const ws = this.workers;
    this.workers = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }

  /** A worker that ignored the stop flag is gone; later dinners get a fresh one. */
  async drop(ws: Worker[]): Promise<void> {
    this.workers = this.workers.filter((w) => !ws.includes(w));
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

function snapshot(s: DiningTable): Snapshot {
  return {
    waiting: Array.from(s.waiting, (_, i) => Atomics.load(s.waiting, i) - 1),
    holder: Array.from(s.holder, (_, f) => Atomics.load(s.holder, f) - 1),
  };
}

/** The watchdog's verdict on a snapshot: a cycle in the wait-for graph, or null. */
export type Detector = (s: Snapshot) => CycleStep[] | null;

export async function dine(
  ctx: LabContext<unknown>,
  pool: Pool,
  strategy: Strategy,
  cfg: DinnerConfig,
  onDeadlock: (d: Deadlock) => void,
  detect: Detector = findCycle,
): Promise<Dinner> {
  const { n, meals } = cfg;
  const s = DiningTable.create(n, logCapacity(n, meals));
  if (strategy === 'chandy-misra') {
    // Every fork starts dirty with its lower-numbered neighbour: acyclic.
    for (let f = 0; f < n; f++) {
      Atomics.store(s.owner, f, Math.min(f, (f - 1 + n) % n));
      Atomics.store(s.dirty, f, 1);
      Atomics.store(s.holder, f, Math.min(f, (f - 1 + n) % n) + 1);
    }
  }
  const workers = pool.get(n);
  const replies = new Map<number, DineReply>();
  const onMessage = (m: unknown): void => {
    const r = m as DineReply;
    if (r.kind === 'dined') replies.set(r.id, r);
  };
  // A thread that dies mid-dinner answers with an error instead of leaving the watchdog to wait.
  let terminating = false;
  const onExit = workers.map((_, i) => (code: number): void => {
    if (!terminating && !replies.has(i)) replies.set(i, { kind: 'dined', id: i, meals: 0, completed: false, error: `thread exited (code ${code})` });
  });
  workers.forEach((w, i) => {
    w.on('message', onMessage);
    w.once('exit', onExit[i] as (code: number) => void);
  });
  const done: Dinner = { strategy, stressed: cfg.rendezvousMs > 0, replies: [], meals: [], entries: [], overflow: 0, wallMs: 0, terminated: 0, maxSeated: 0, retries: 0 };
  try {
    workers.forEach((w, i) => {
      const req: DineRequest = {
        kind: 'dine',
        id: i,
        n,
        strategy,
        meals,
        think: cfg.think,
        eat: cfg.eat,
        reach: cfg.reach,
        seed: ctx.rng.derive(i),
        backoffSeed: ctx.rng.derive(`backoff:${i}`),
        buffer: s.buffer,
        capacity: s.capacity,
        rendezvousMs: cfg.rendezvousMs,
      };
      w.postMessage(req);
    });
    for (const t0 = Date.now(); s.attached() < n && replies.size === 0; ) {
      if (Date.now() - t0 > ATTACH_TIMEOUT_MS) throw new Error(`only ${s.attached()} of ${n} philosophers sat down`);
      await ctx.sleep(2);
    }
    const epoch = performance.timeOrigin + performance.now();
    s.setEpoch(epoch);
    // The initial owners go into the log first, so that its replay knows who holds what.
    if (strategy === 'chandy-misra') for (let f = 0; f < n; f++) s.log(Atomics.load(s.owner, f), EV.TAKE, f);
    s.start.set();
    const elapsed = (): number => performance.timeOrigin + performance.now() - epoch;

    let cursor = s.cursor();
    let movedAt = 0;
    let cycle: CycleStep[] | null = null;
    let cycleSince = 0;
    let shownAt = 0;
    while (replies.size < n) {
      await ctx.sleep(WATCH_MS);
      const now = elapsed();
      const c = s.cursor();
      if (c !== cursor) {
        cursor = c;
        movedAt = now;
        cycle = null;
      } else if (now - movedAt >= QUIET_MS) {
        const found = detect(snapshot(s));
        if (!sameCycle(found, cycle)) {
          cycle = found;
          cycleSince = now;
        } else if (cycle && now - cycleSince >= CONFIRM_MS && s.cursor() === cursor) {
          done.deadlock = { cycle, lastProgressMs: movedAt, detectedMs: now, cursor };
          onDeadlock(done.deadlock);
          break;
        }
      }
      if (now > cfg.limitMs) {
        done.unfinished = `not finished after ${(cfg.limitMs / 1000).toFixed(1)} s (${replies.size} of ${n} philosophers done, no deadlock cycle)`;
        break;
      }
      if (now - shownAt >= 100) {
        shownAt = now;
        ctx.progress(`dining${done.stressed ? ' under stress' : ''}: ${strategy}, ${sumMeals(s)} of ${n * meals} meals`, Math.min(1, sumMeals(s) / (n * meals)));
      }
    }

    if (replies.size < n) {
      const stopAt = performance.now();
      s.stop.set();
      for (const b of s.bells) b.set();
      while (replies.size < n && performance.now() - stopAt < STOP_GRACE_MS) await ctx.sleep(5);
      done.stopMs = performance.now() - stopAt;
      const stuck = workers.filter((_, i) => !replies.has(i));
      done.terminated = stuck.length;
      terminating = true; // what follows is ours, not a crash
      if (stuck.length) await pool.drop(stuck);
    }
    done.entries = s.entries();
    const dl = done.deadlock;
    // The log's own times: the last event before the verdict is when the table froze.
    if (dl) dl.lastProgressMs = done.entries.reduce((m, e) => (e.slot < dl.cursor ? Math.max(m, e.t) : m), 0);
    done.wallMs = dl ? dl.lastProgressMs : done.entries.reduce((m, e) => Math.max(m, e.t), 0);
  } finally {
    workers.forEach((w, i) => {
      w.off('message', onMessage);
      w.off('exit', onExit[i] as (code: number) => void);
    });
  }
  done.replies = [...replies.values()].sort((a, b) => a.id - b.id);
  const failed = done.replies.find((r) => r.error);
  if (failed) throw new Error(`philosopher P${failed.id} (${strategy}): ${failed.error}`);
  done.meals = Array.from(s.meals, (_, i) => Atomics.load(s.meals, i));
  done.overflow = s.overflow();
  done.maxSeated = s.maxSeated();
  done.retries = Array.from(s.retries, (_, i) => Atomics.load(s.retries, i)).reduce((a, b) => a + b, 0);
  return done;
}

function sumMeals(s: DiningTable): number {
  let m = 0;
  for (let i = 0; i < s.n; i++) m += Atomics.load(s.meals, i);
  return m;
}
