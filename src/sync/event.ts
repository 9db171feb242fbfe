import { checkRegion, deadlineAfter, remainingMs } from './region.js';

export interface EventHandle {
  buffer: SharedArrayBuffer;
  byteOffset: number;
}

// Layout (8 bytes, zeroed = clear, nobody waiting):
//   +0  flag     0 clear, 1 set; waiters sleep on this word while it is 0
//   +4  sleepers threads in (or about to enter) Atomics.wait, so set() can
//               skip the notify when nobody waits
const FLAG = 0;
const SLEEPERS = 1;

/** A one-bit latch (Python's threading.Event): wait() blocks until set(). */
export class Event {
  static readonly BYTES = 8;

  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly words: Int32Array;

  constructor(buffer: SharedArrayBuffer, byteOffset = 0) {
    checkRegion('Event', buffer, byteOffset, Event.BYTES);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.words = new Int32Array(buffer, byteOffset, 2);
  }

  static create(): Event {
    return new Event(new SharedArrayBuffer(Event.BYTES));
  }

  static from(handle: EventHandle): Event {
    return new Event(handle.buffer, handle.byteOffset);
  }

  handle(): EventHandle {
    return { buffer: this.buffer, byteOffset: this.byteOffset };
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    // Store the flag, then read SLEEPERS; wait() does the opposite order
    // (announce, then Atomics.wait re-reads the flag), so one of the two
    // always sees the other.
    if (Atomics.exchange(this.words, FLAG, 1) === 0 && Atomics.load(this.words, SLEEPERS) > 0) {
      Atomics.notify(this.words, FLAG);
    }
  }

  clear(): void {
    Atomics.store(this.words, FLAG, 0);
  }

  isSet(): boolean {
    return Atomics.load(this.words, FLAG) === 1;
  }

  /**
   * Waits until the flag is set, at most `timeoutMs` (forever if omitted).
   * Returns true if it is set, false on timeout. As with Python's Event, a
   * set() quickly followed by clear() may or may not release a waiter.
   */
  wait(timeoutMs?: number): boolean {
    const w = this.words;
    if (Atomics.load(w, FLAG) === 1) return true;
    const deadline = deadlineAfter(timeoutMs);
    Atomics.add(w, SLEEPERS, 1);
    try {
      for (;;) {
        if (Atomics.load(w, FLAG) === 1) return true;
        const left = remainingMs(deadline);
        if (left <= 0) return false;
        Atomics.wait(w, FLAG, 0, left);
      }
    } finally {
      Atomics.sub(w, SLEEPERS, 1);
    }
  }
}
