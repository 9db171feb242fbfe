/**
 * How a philosopher picks up and puts down forks, one strategy each. Runs in
 * philosopher.worker.ts. acquire() returns false only when the stop flag was
 * set while waiting, and then holds no fork.
 *
 * Every blocking wait is a loop of short timed waits that looks at the stop
 * flag in between: Mutex.lock(timeout) cannot be woken by anything but an
 * unlock, so this is what lets the watchdog end a deadlock cleanly, within
 * POLL_MS, instead of terminating the threads.
 *
 * Every blocking wait is also bracketed by park()/unpark(): on a stressed
 * table (table.ts, between()) a philosopher that waits for a fork, a seat or
 * a doorbell counts as present at the rendezvous.
 *
 * POLICIES is the table philosopher.worker.ts serves; the lab's fault tests
 * serve another (ordered taking forks like naive, a waiter without seats).
 */
import type { Rng } from '../../src/core/rng.js';
import type { Strategy } from './messages.js';
import { EV, type DiningTable } from './table.js';

export const POLL_MS = 20;

export interface ForkPolicy {
  /** `reach`: ms between holding the first fork and reaching for the second (the window a deadlock needs). */
  acquire(reach: number): boolean;
  release(): void;
}

/** Philosopher i's policy at table s; `backoff` seeds try-lock's back-off. */
export type PolicyMaker = (s: DiningTable, i: number, backoff: Rng) => ForkPolicy;
export type PolicyTable = Record<Strategy, PolicyMaker>;

export const POLICIES: PolicyTable = {
  // As in the book: left, then right. All N can hold a left fork: deadlock.
  naive: (s, i) => pair(s, i, s.left(i), s.right(i)),
  // Resource hierarchy: the lower-numbered fork first, so P(N-1) reaches for F0 first and the cycle breaks.
  ordered: (s, i) => pair(s, i, Math.min(s.left(i), s.right(i)), Math.max(s.left(i), s.right(i))),
  waiter: (s, i) => waiter(s, pair(s, i, s.left(i), s.right(i))),
  'try-lock': (s, i, backoff) => tryLock(s, i, s.left(i), s.right(i), backoff),
  'chandy-misra': (s, i) => chandyMisra(s, i),
};

const stopped = (s: DiningTable): boolean => s.stop.isSet();

/** Blocks on fork f, showing the watchdog what it waits for; false if stopped first. */
export function takeFork(s: DiningTable, i: number, f: number): boolean {
  Atomics.store(s.waiting, i, f + 1);
  const fork = s.forks[f] as (typeof s.forks)[number];
  if (!fork.tryLock()) {
    s.park();
    try {
      while (!fork.lock(POLL_MS)) {
        if (stopped(s)) {
          Atomics.store(s.waiting, i, 0);
          return false;
        }
      }
    } finally {
      s.unpark();
    }
  }
  // Holder before waiting is cleared: a snapshot may see both (a self-edge,
  // ignored) but never neither while we are blocked.
  Atomics.store(s.holder, f, i + 1);
  Atomics.store(s.waiting, i, 0);
  s.log(i, EV.TAKE, f);
  return true;
}

export function putFork(s: DiningTable, i: number, f: number): void {
  // Logged before the unlock, so the next taker's TAKE gets a later slot.
  s.log(i, EV.PUT, f);
  Atomics.store(s.holder, f, 0);
  (s.forks[f] as (typeof s.forks)[number]).unlock();
}

/** Two forks taken one after the other, in the order given. */
export function pair(s: DiningTable, i: number, first: number, second: number): ForkPolicy {
  return {
    acquire(reach) {
      if (!takeFork(s, i, first)) return false;
      if (!s.between(reach) && takeFork(s, i, second)) return true;
      putFork(s, i, first);
      return false;
    },
    release() {
      putFork(s, i, second);
      putFork(s, i, first);
    },
  };
}

function waiter(s: DiningTable, forks: ForkPolicy): ForkPolicy {
  return {
    acquire(reach) {
      if (!s.waiter.tryAcquire()) {
        s.park();
        try {
          while (!s.waiter.acquire(POLL_MS)) if (stopped(s)) return false;
        } finally {
          s.unpark();
        }
      }
      s.sitDown();
      if (forks.acquire(reach)) return true;
      s.standUp();
      s.waiter.release();
      return false;
    },
    release() {
      forks.release();
      s.standUp();
      s.waiter.release();
    },
  };
}

/**
 * Never blocks on a fork: take both or neither, else back off for a random
 * time (seeded) that doubles with each failure, so two neighbours that
 * collided are unlikely to collide again (the cure for livelock).
 */
function tryLock(s: DiningTable, i: number, l: number, r: number, rng: Rng): ForkPolicy {
  const fl = s.forks[l] as (typeof s.forks)[number];
  const fr = s.forks[r] as (typeof s.forks)[number];
  return {
    acquire(reach) {
      for (let attempt = 0; ; attempt++) {
        if (stopped(s)) return false;
        if (fl.tryLock()) {
          if (s.between(reach)) {
            fl.unlock();
            return false;
          }
          if (fr.tryLock()) {
            // Only forks held for a meal are logged; failed attempts are counted.
            for (const f of [l, r]) {
              Atomics.store(s.holder, f, i + 1);
              s.log(i, EV.TAKE, f);
            }
            return true;
          }
          fl.unlock();
        }
        Atomics.add(s.retries, i, 1);
        const cap = Math.min(4, 0.05 * 2 ** attempt);
        if (s.stop.wait(rng.float(0, cap))) return false;
      }
    },
    release() {
      putFork(s, i, r);
      putFork(s, i, l);
    },
  };
}

/**
 * Chandy-Misra (1984), "hygienic" forks, on shared memory. Each fork is owned
 * by one of its two philosophers, clean or dirty. A hungry philosopher asks
 * for the forks it lacks (requested[f] = 1: the request token goes to the
 * owner). The owner must yield a dirty fork unless it is eating with it, and
 * keeps a clean one until it has eaten; a fork is cleaned when handed over and
 * dirtied by eating. Initially every fork is dirty and owned by the lower-
 * numbered neighbour, so "who yields to whom" is acyclic, and it stays acyclic:
 * no deadlock, no starvation.
 *
 * Fork f's Mutex guards only its four words for a few instructions and is
 * never held while eating. With the state in shared memory the requester can
 * perform the owner's handover of a dirty idle fork itself; the owner hands
 * over the others after eating, and each handover rings the receiver's bell.
 */
function chandyMisra(s: DiningTable, i: number): ForkPolicy {
  const mine = [s.left(i), s.right(i)];
  const ordered = [...mine].sort((a, b) => a - b);
  const guard = (f: number): boolean => {
    const m = s.forks[f] as (typeof s.forks)[number];
    while (!m.lock(POLL_MS)) if (stopped(s)) return false;
    return true;
  };
  const unguard = (f: number): void => (s.forks[f] as (typeof s.forks)[number]).unlock();
  const handOver = (f: number, from: number, to: number): void => {
    s.log(from, EV.PUT, f);
    Atomics.store(s.owner, f, to);
    Atomics.store(s.dirty, f, 0);
    Atomics.store(s.requested, f, 0);
    Atomics.store(s.holder, f, to + 1);
    s.log(to, EV.TAKE, f);
    s.bells[from]?.set();
    s.bells[to]?.set();
  };
  const bell = s.bells[i] as (typeof s.bells)[number];
  return {
    acquire(reach) {
      // The same pause as the other strategies between holding a first fork
      // and going for the second, once per meal; a clean fork cannot be taken
      // from us meanwhile, a dirty one can.
      let paused = !s.pauses(reach);
      for (;;) {
        // Clear, then look, then sleep: a handover after the look sets the
        // bell, and the wait returns at once.
        bell.clear();
        let have = 0;
        let wants = -1;
        for (const f of mine) {
          if (!guard(f)) return false;
          if (Atomics.load(s.owner, f) === i) have++;
          else if (Atomics.load(s.dirty, f) === 1 && Atomics.load(s.inUse, f) === 0) {
            handOver(f, Atomics.load(s.owner, f), i);
            have++;
          } else {
            Atomics.store(s.requested, f, 1);
            wants = f;
          }
          unguard(f);
        }
        if (have >= 1 && !paused) {
          paused = true;
          if (s.between(reach)) return false;
          continue;
        }
        if (have === 2) {
          // Both are ours now; claim them for the meal under both guards
          // (lower first), unless a neighbour took a dirty one meanwhile.
          let ok = true;
          for (const f of ordered) {
            if (!guard(f)) {
              if (f !== ordered[0]) unguard(ordered[0] as number);
              return false;
            }
          }
          for (const f of mine) ok &&= Atomics.load(s.owner, f) === i;
          if (ok) for (const f of mine) Atomics.store(s.inUse, f, 1);
          for (const f of ordered) unguard(f);
          if (ok) {
            Atomics.store(s.waiting, i, 0);
            return true;
          }
          continue;
        }
        Atomics.store(s.waiting, i, wants + 1);
        s.park();
        bell.wait(POLL_MS);
        s.unpark();
        if (stopped(s)) {
          Atomics.store(s.waiting, i, 0);
          return false;
        }
      }
    },
    release() {
      for (const f of mine) {
        // Cannot fail for long: nobody holds a fork guard for more than a few
        // instructions. If stopped, the fork state no longer matters.
        if (!guard(f)) continue;
        Atomics.store(s.inUse, f, 0);
        Atomics.store(s.dirty, f, 1);
        if (Atomics.load(s.requested, f) === 1) handOver(f, i, s.neighbour(f, i));
        unguard(f);
      }
    },
  };
}
