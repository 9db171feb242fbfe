import { checkRegion, deadlineAfter, remainingMs } from './region.js';

export interface MutexHandle {
  buffer: SharedArrayBuffer;
  byteOffset: number;
}

// The classic three-state futex mutex (Drepper, "Futexes Are Tricky", mutex 3):
//
//   0 UNLOCKED   nobody holds it
//   1 LOCKED     held, and nobody has gone to sleep waiting for it
//   2 CONTENDED  held, and someone may be sleeping in Atomics.wait
//
// The point of state 2 is that unlock() only pays for Atomics.notify when a
// waiter may exist; an uncontended lock/unlock pair is two compare-exchanges.
const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

// Before sleeping, a locker re-checks the word a few times: critical sections
// in the labs are short, and a futex sleep + wake costs tens of microseconds.
// Bounded, so a long critical section still ends up parked, not burning a core.
const SPINS = 100;

/**
 * Non-reentrant mutual-exclusion lock in 4 bytes of a SharedArrayBuffer.
 * Zeroed memory is an unlocked mutex. It has no notion of owner: any thread
 * may unlock it (like Python's threading.Lock), and locking it twice from the
 * same thread deadlocks until the timeout.
 */
export class Mutex {
  static readonly BYTES = 4;

  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly state: Int32Array;

  constructor(buffer: SharedArrayBuffer, byteOffset = 0) {
    checkRegion('Mutex', buffer, byteOffset, Mutex.BYTES);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.state = new Int32Array(buffer, byteOffset, 1);
  }

  static create(): Mutex {
    return new Mutex(new SharedArrayBuffer(Mutex.BYTES));
  }

  static from(handle: MutexHandle): Mutex {
    return new Mutex(handle.buffer, handle.byteOffset);
  }

  handle(): MutexHandle {
    return { buffer: this.buffer, byteOffset: this.byteOffset };
  }

  tryLock(): boolean {
    return Atomics.compareExchange(this.state, 0, UNLOCKED, LOCKED) === UNLOCKED;
  }

  /**
   * Acquires the mutex, waiting at most `timeoutMs` (forever if omitted).
   * Returns false if the timeout expired first.
   */
  lock(timeoutMs?: number): boolean {
    const s = this.state;
    let c = Atomics.compareExchange(s, 0, UNLOCKED, LOCKED);
    if (c === UNLOCKED) return true;
    if (timeoutMs !== undefined && timeoutMs <= 0) return false;
    const deadline = deadlineAfter(timeoutMs);

    for (let i = 0; i < SPINS && c !== CONTENDED; i++) {
      // Read before trying the compare-exchange so spinning does not keep
      // stealing the cache line from the holder. Once the word says 2 others
      // are already asleep: the lock is busy enough that spinning will not
      // pay, so join them. (Taking it as 1 while others sleep would be safe:
      // the unlock that freed it woke one sleeper, who re-marks the word 2.)
      c = Atomics.load(s, 0);
      if (c === UNLOCKED) {
        c = Atomics.compareExchange(s, 0, UNLOCKED, LOCKED);
        if (c === UNLOCKED) return true;
      }
    }

    // Slow path. We announce ourselves by setting the word to 2 *with an
    // exchange*: if the exchange returns 0 the lock was free and we now hold
    // it (in state 2, which may cost one unnecessary notify later — harmless).
    // After every wake-up we exchange 2 again rather than CAS 0->1, because we
    // cannot know whether other sleepers remain; taking it as 1 could let the
    // next unlock skip the notify and strand them.
    if (c !== CONTENDED) c = Atomics.exchange(s, 0, CONTENDED);
    while (c !== UNLOCKED) {
      const left = remainingMs(deadline);
      if (left <= 0) return false; // leaving the word at 2 only costs a spare notify
      // Sleeps only if the word is still 2; an unlock in between makes this
      // return 'not-equal' immediately, so the wake-up cannot be lost.
      Atomics.wait(s, 0, CONTENDED, left);
      c = Atomics.exchange(s, 0, CONTENDED);
    }
    return true;
  }

  /** Releases the mutex. Throws if it is not locked. */
  unlock(): void {
    const s = this.state;
    const prev = Atomics.compareExchange(s, 0, LOCKED, UNLOCKED);
    if (prev === LOCKED) return; // nobody was waiting: no notify needed
    if (prev === UNLOCKED) throw new Error('Mutex.unlock(): mutex is not locked');
    // prev === CONTENDED. Only the holder moves the word away from 2, so a
    // plain store is enough; then wake one sleeper, which will re-mark it 2.
    Atomics.store(s, 0, UNLOCKED);
    Atomics.notify(s, 0, 1);
  }

  /** True while some thread holds the mutex (a snapshot, for diagnostics). */
  isLocked(): boolean {
    return Atomics.load(this.state, 0) !== UNLOCKED;
  }
}
