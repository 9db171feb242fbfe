/**
 * The race hunter's bank: balances in shared memory, the transfer program
 * (buggy and fixed) written as a generator whose `yield`s are its scheduling
 * points, and the seeded scheduler's decisions. No threads here: a worker
 * drives the generator between real handoffs (clerk.ts). The model a seeded
 * threaded run must match exactly is written apart, in model.ts, so that a
 * bug in this file cannot hide in the model too.
 */
import { createRng } from '../../src/core/rng.js';
import { Mutex } from '../../src/sync/mutex.js';
import type { RaceProgram } from './messages.js';

export const ACCOUNTS = 3;
export const INITIAL_BALANCE = 100;
/** A run that takes more scheduling steps than this is stuck (a bug in the scheduler, not in the bank). */
export const MAX_STEPS = 1_000_000;

export interface Transfer {
  from: number;
  to: number;
  amount: number;
}

/** The transfers worker `w` makes in the run with this seed: the same on every machine. */
export function planTransfers(seed: number, w: number, count: number): Transfer[] {
  const rng = createRng(createRng(seed).derive(`plan-${w}`));
  const out: Transfer[] = [];
  for (let i = 0; i < count; i++) {
    const from = rng.int(0, ACCOUNTS - 1);
    const to = (from + rng.int(1, ACCOUNTS - 1)) % ACCOUNTS;
    out.push({ from, to, amount: rng.int(20, 80) });
  }
  return out;
}

/**
 * One worker's transfers. The bug is check-then-act: the balance is read and
 * checked, and by the time it is debited another worker may have debited it
 * too (overdraft), or the read-modify-write of either account may overwrite
 * another worker's write (money created or destroyed). Every access is an
 * Atomics load or store, so no single access tears: the race is in the logic.
 * The fixed program holds a mutex around the whole check-and-act. It tries
 * the lock and, while it is held, yields 'blocked': under the seeded scheduler
 * only one thread runs at a time, so a blocking lock() would stall the one
 * thread that could release it; 'blocked' tells the scheduler to switch.
 */
export type Step = 'ran' | 'blocked';
export function* transfers(acc: Int32Array, list: readonly Transfer[], lock: Mutex | null): Generator<Step, number> {
  let applied = 0;
  for (const t of list) {
    if (lock) while (!lock.tryLock()) yield 'blocked';
    try {
      const seen = Atomics.load(acc, t.from);
      yield 'ran'; // the window between check and act
      if (seen >= t.amount) {
        const from = Atomics.load(acc, t.from);
        yield 'ran';
        Atomics.store(acc, t.from, from - t.amount);
        yield 'ran';
        const to = Atomics.load(acc, t.to);
        yield 'ran';
        Atomics.store(acc, t.to, to + t.amount);
        applied++;
      }
    } finally {
      if (lock) lock.unlock();
    }
    yield 'ran';
  }
  return applied;
}

// The scheduler's shared words (Int32Array `ctl`). The thread that holds the
// turn is the only one running, so it alone reads and advances RNG; the
// handoff (a store to TURN, then notify) publishes everything it wrote.
export const TURN = 0; // which worker may run; -1 when all are done
export const RNG = 1; // mulberry32 state of the schedule
export const STEPS = 2; // scheduling points passed
export const SWITCHES = 3; // handoffs to another worker
export const ACTIVE = 4; // bit w set while worker w has transfers left
export const FAILED = 5; // set by a worker that gave up (timeout), so the others stop waiting
export const CTL_WORDS = 8;

/** mulberry32 (as src/core/rng.ts) on a shared word, so whichever thread holds the turn can draw. */
function draw(ctl: Int32Array): number {
  const a = (Atomics.load(ctl, RNG) + 0x6d2b79f5) | 0;
  Atomics.store(ctl, RNG, a);
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Reset the accounts, the mutex and the scheduler for one run; worker 0 has the first turn. */
export function resetRun(bank: BankViews, seed: number, workers: number): void {
  const { acc, ctl } = bank;
  Atomics.store(bank.lockWord, 0, 0);
  for (let i = 0; i < ACCOUNTS; i++) Atomics.store(acc, i, INITIAL_BALANCE);
  Atomics.store(ctl, RNG, createRng(seed).derive('schedule') | 0);
  Atomics.store(ctl, STEPS, 0);
  Atomics.store(ctl, SWITCHES, 0);
  Atomics.store(ctl, ACTIVE, (1 << workers) - 1);
  Atomics.store(ctl, FAILED, 0);
  Atomics.store(ctl, TURN, 0);
}

/**
 * The decision at a scheduling point of worker `me`: keep running with
 * probability 1 - preempt, else hand the turn to one of the other active
 * workers, chosen uniformly. A blocked worker, and one that has finished (its
 * ACTIVE bit cleared), always hands over if anyone else can run; -1 when
 * nobody is left.
 */
export function nextTurn(ctl: Int32Array, me: number, workers: number, preempt: number, blocked = false): number {
  Atomics.add(ctl, STEPS, 1);
  const active = Atomics.load(ctl, ACTIVE);
  if ((active & (1 << me)) !== 0 && !blocked && draw(ctl) >= preempt) return me;
  const others: number[] = [];
  for (let w = 0; w < workers; w++) if (w !== me && (active & (1 << w)) !== 0) others.push(w);
  if (others.length === 0) return (active & (1 << me)) !== 0 ? me : -1;
  Atomics.add(ctl, SWITCHES, 1);
  return others[Math.floor(draw(ctl) * others.length)] as number;
}

export interface RunResult {
  seed: number;
  balances: number[];
  steps: number;
  switches: number;
  applied: number;
  /** What broke, empty when the invariant held. */
  broken: string[];
}

/** The invariant: money is conserved and no balance is negative. */
export function verdict(balances: readonly number[]): string[] {
  const out: string[] = [];
  const total = balances.reduce((s, b) => s + b, 0);
  if (total !== ACCOUNTS * INITIAL_BALANCE) out.push(`total ${total} != ${ACCOUNTS * INITIAL_BALANCE}`);
  balances.forEach((b, i) => {
    if (b < 0) out.push(`account ${i} at ${b}`);
  });
  return out;
}

export function resultOf(seed: number, acc: Int32Array, ctl: Int32Array, applied: number): RunResult {
  const balances = Array.from({ length: ACCOUNTS }, (_, i) => Atomics.load(acc, i));
  return {
    seed,
    balances,
    steps: Atomics.load(ctl, STEPS),
    switches: Atomics.load(ctl, SWITCHES),
    applied,
    broken: verdict(balances),
  };
}

export interface RunConfig {
  program: RaceProgram;
  workers: number;
  transfers: number;
  preempt: number;
}

/** Bytes of the shared region: accounts, then the scheduler words, then the mutex. */
export const BANK_BYTES = 4 * (ACCOUNTS + CTL_WORDS) + Mutex.BYTES;
export interface BankViews {
  acc: Int32Array;
  ctl: Int32Array;
  mutex: Mutex;
  /** The mutex's word, only for resetting it between runs (a run that gave up may have left it held). */
  lockWord: Int32Array;
}
export function bankViews(sab: SharedArrayBuffer): BankViews {
  const lockAt = 4 * (ACCOUNTS + CTL_WORDS);
  return {
    acc: new Int32Array(sab, 0, ACCOUNTS),
    ctl: new Int32Array(sab, 4 * ACCOUNTS, CTL_WORDS),
    mutex: new Mutex(sab, lockAt),
    lockWord: new Int32Array(sab, lockAt, 1),
  };
}
