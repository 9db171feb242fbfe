import { Mutex } from './mutex.js';
import { checkCount, checkRegion, deadlineAfter, remainingMs } from './region.js';

export interface ConditionHandle {
  buffer: SharedArrayBuffer;
  byteOffset: number;
}

// Layout (8 bytes, zeroed = no waiters):
//   +0  seq     bumped by every notify that hands out tickets; waiters sleep on it
//   +4  tickets two 16-bit counters packed in one word so that one CAS moves
//               a waiter from one to the other:
//                 low  16 bits: waiting  registered waiters not yet notified
//                 high 16 bits: signals  notifications not yet claimed by a waiter
//
// Invariant: waiting + signals == number of threads inside wait().
//   wait() registers:        waiting += 1
//   notify(k) hands out:     waiting -= k, signals += k  (k <= waiting, one CAS)
//   a waiter leaves either by claiming a signal (signals -= 1) -> returns true
//   or, on timeout with no signal left to claim, by waiting -= 1 -> returns false.
// Counting tickets instead of just bumping `seq` is what makes notify(1) wake
// exactly one waiter: with a bare sequence counter, a waiter that had
// unlocked but not yet reached Atomics.wait would return on 'not-equal' AND
// the notify would wake a sleeper too.
const SEQ = 0;
const TICKETS = 1;
const LOW = 0xffff;
const MAX_WAITERS = LOW;

function pack(waiting: number, signals: number): number {
  return ((signals << 16) | waiting) | 0;
}

/**
 * Condition variable used with a Mutex (Python's threading.Condition, with the
 * lock passed to each wait()).
 *
 * `wait()` returning true means "you were notified", not "your predicate
 * holds": another thread may have changed the state again before this one
 * re-acquired the mutex, and a waiter that arrived after a notify can claim
 * it in place of an earlier one. Always wait in a loop on the predicate:
 *
 *     mutex.lock();
 *     while (!ready()) if (!cond.wait(mutex, left())) break; // timed out
 *
 * notify()/notifyAll() are meant to be called with the mutex held (after
 * changing the state the predicate reads); that is what guarantees a waiter
 * cannot miss them. They are still memory-safe without it.
 */
export class Condition {
  static readonly BYTES = 8;

  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly words: Int32Array;

  constructor(buffer: SharedArrayBuffer, byteOffset = 0) {
    checkRegion('Condition', buffer, byteOffset, Condition.BYTES);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.words = new Int32Array(buffer, byteOffset, 2);
  }

  static create(): Condition {
    return new Condition(new SharedArrayBuffer(Condition.BYTES));
  }

  static from(handle: ConditionHandle): Condition {
    return new Condition(handle.buffer, handle.byteOffset);
  }

  handle(): ConditionHandle {
    return { buffer: this.buffer, byteOffset: this.byteOffset };
  }

  /**
   * Atomically releases `mutex` (which the caller must hold) and waits for a
   * notify or for `timeoutMs` (forever if omitted), then re-acquires `mutex`
   * before returning, also after a timeout, so the caller always holds it
   * again. Returns false if it timed out without being notified. The
   * re-acquire itself is not bounded by `timeoutMs`: the caller needs the
   * mutex back, and its other holders only keep it briefly.
   */
  wait(mutex: Mutex, timeoutMs?: number): boolean {
    const w = this.words;
    const deadline = deadlineAfter(timeoutMs);
    // Register while still holding the mutex: a notifier that changes the
    // predicate must take the mutex first, so it is bound to see us counted.
    this.update((waiting, signals) => {
      if (waiting + signals >= MAX_WAITERS) throw new RangeError('Condition: too many waiters');
      return pack(waiting + 1, signals);
    });
    try {
      mutex.unlock();
    } catch (e) {
      this.leave(); // caller did not hold the mutex: undo the registration
      throw e;
    }

    let notified = false;
    for (;;) {
      // Read seq BEFORE looking for a signal. notify() adds the signal and
      // then bumps seq, so either we see its signal now, or our snapshot is
      // older than its bump and the Atomics.wait below returns 'not-equal'
      // (or is woken by its notify). That is the no-lost-wake-up argument.
      const seq = Atomics.load(w, SEQ);
      if (this.claimSignal()) {
        notified = true;
        break;
      }
      const left = remainingMs(deadline);
      if (left <= 0) {
        // Leave: claim a signal that raced in, or else withdraw our
        // registration. One CAS decides, so a notify cannot be "spent" on us
        // after we have left.
        notified = this.leave();
        break;
      }
      // May return early ('not-equal', or woken for a signal someone else
      // claims first); the loop re-checks and sleeps again for what is left.
      Atomics.wait(w, SEQ, seq, left);
    }
    mutex.lock();
    return notified;
  }

  /** Wakes up to `n` waiters (those already registered in wait()). */
  notify(n = 1): void {
    checkCount('Condition', 'n', n, 1);
    let k = 0;
    this.update((waiting, signals) => {
      k = Math.min(n, waiting);
      return pack(waiting - k, signals + k);
    });
    // Nobody waiting: no seq bump and no syscall, so a notify on every
    // put/take of a queue is cheap when nobody is blocked.
    if (k === 0) return;
    Atomics.add(this.words, SEQ, 1);
    Atomics.notify(this.words, SEQ, k);
  }

  notifyAll(): void {
    this.notify(MAX_WAITERS);
  }

  /** Threads registered in wait() and not yet notified (a snapshot). */
  waiters(): number {
    return Atomics.load(this.words, TICKETS) & LOW;
  }

  private claimSignal(): boolean {
    const w = this.words;
    for (;;) {
      const t = Atomics.load(w, TICKETS);
      if (t >>> 16 === 0) return false;
      if (Atomics.compareExchange(w, TICKETS, t, t - 0x10000) === t) return true;
    }
  }

  /** On timeout: take a signal if one is there (true), else unregister (false). */
  private leave(): boolean {
    const w = this.words;
    for (;;) {
      const t = Atomics.load(w, TICKETS);
      const signals = t >>> 16;
      // By the invariant, with no signal left our registration is still
      // counted in `waiting`, so waiting >= 1 here.
      const next = signals > 0 ? t - 0x10000 : t - 1;
      if (Atomics.compareExchange(w, TICKETS, t, next | 0) === t) return signals > 0;
    }
  }

  private update(f: (waiting: number, signals: number) => number): void {
    const w = this.words;
    for (;;) {
      const t = Atomics.load(w, TICKETS);
      const next = f(t & LOW, t >>> 16) | 0;
      if (Atomics.compareExchange(w, TICKETS, t, next) === t) return;
    }
  }
}
