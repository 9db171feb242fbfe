import { checkCount, checkRegion, deadlineAfter, remainingMs } from './region.js';

export interface SemaphoreHandle {
  buffer: SharedArrayBuffer;
  byteOffset: number;
}

// Layout (8 bytes):
//   +0  permits  (the count; threads sleep on this word while it is 0)
//   +4  sleepers (how many threads are in, or about to enter, Atomics.wait)
const PERMITS = 0;
const SLEEPERS = 1;

/**
 * Counting semaphore (Python's threading.Semaphore).
 *
 * Initialisation: the count is state, so it lives in the buffer. Passing
 * `initial` to the constructor (or using `create(initial)`) WRITES it; leaving
 * it out attaches to whatever the region holds, which is what `from(handle)`
 * does in another worker. Initialise exactly once, before sharing the region.
 * A zeroed region is a valid semaphore with 0 permits.
 */
export class Semaphore {
  static readonly BYTES: number = 8;

  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  protected readonly words: Int32Array;

  constructor(buffer: SharedArrayBuffer, byteOffset = 0, initial?: number) {
    const what = new.target.name;
    checkRegion(what, buffer, byteOffset, (new.target as typeof Semaphore).BYTES);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.words = new Int32Array(buffer, byteOffset, (new.target as typeof Semaphore).BYTES / 4);
    if (initial !== undefined) {
      checkCount(what, 'initial', initial, 0);
      Atomics.store(this.words, PERMITS, initial);
    }
  }

  static create(initial: number): Semaphore {
    return new Semaphore(new SharedArrayBuffer(Semaphore.BYTES), 0, initial);
  }

  static from(handle: SemaphoreHandle): Semaphore {
    return new Semaphore(handle.buffer, handle.byteOffset);
  }

  handle(): SemaphoreHandle {
    return { buffer: this.buffer, byteOffset: this.byteOffset };
  }

  tryAcquire(): boolean {
    const w = this.words;
    for (;;) {
      const c = Atomics.load(w, PERMITS);
      if (c <= 0) return false;
      if (Atomics.compareExchange(w, PERMITS, c, c - 1) === c) return true;
    }
  }

  /** Takes one permit, waiting at most `timeoutMs` (forever if omitted); false on timeout. */
  acquire(timeoutMs?: number): boolean {
    if (this.tryAcquire()) return true;
    const deadline = deadlineAfter(timeoutMs);
    const w = this.words;
    for (;;) {
      const left = remainingMs(deadline);
      if (left <= 0) return false;
      // Announce, then sleep only while the count is still 0. This pairs
      // with release(), which adds permits and THEN reads SLEEPERS: with
      // sequentially consistent atomics, either release() sees our
      // announcement and notifies, or Atomics.wait sees its new count and
      // returns 'not-equal'. Either way no wake-up is lost.
      Atomics.add(w, SLEEPERS, 1);
      Atomics.wait(w, PERMITS, 0, left);
      Atomics.sub(w, SLEEPERS, 1);
      // Several threads may wake for one permit; the losers of this CAS race
      // just go back to sleep with whatever time they have left.
      if (this.tryAcquire()) return true;
    }
  }

  release(n = 1): void {
    checkCount(this.constructor.name, 'n', n, 1);
    this.addPermits(n);
    if (Atomics.load(this.words, SLEEPERS) > 0) Atomics.notify(this.words, PERMITS, n);
  }

  /** Current number of permits (a snapshot). */
  value(): number {
    return Atomics.load(this.words, PERMITS);
  }

  protected addPermits(n: number): void {
    Atomics.add(this.words, PERMITS, n);
  }
}
