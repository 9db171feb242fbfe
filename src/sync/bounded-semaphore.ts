import { checkCount } from './region.js';
import { Semaphore, type SemaphoreHandle } from './semaphore.js';

export type BoundedSemaphoreHandle = SemaphoreHandle;

// Layout (12 bytes): the Semaphore's 8 bytes, then
//   +8  max  (written at initialisation, read by release())
const PERMITS = 0;
const MAX = 2;

/**
 * A Semaphore whose count may never exceed `max` (Python's
 * BoundedSemaphore): a release that would push it above `max` throws a
 * RangeError, which catches "released more often than acquired" bugs.
 *
 * Like Semaphore, passing `initial` (and optionally `max`, default `initial`)
 * initialises the region; omitting both attaches. A zeroed region has
 * max 0, so every release throws until it is initialised.
 */
export class BoundedSemaphore extends Semaphore {
  static override readonly BYTES: number = 12;

  constructor(buffer: SharedArrayBuffer, byteOffset = 0, initial?: number, max?: number) {
    // Validate before super() writes anything into the region.
    if (initial !== undefined) {
      checkCount('BoundedSemaphore', 'max', max ?? initial, Math.max(1, initial));
    } else if (max !== undefined) {
      throw new TypeError('BoundedSemaphore: max given without initial (attach with neither, or initialise with both)');
    }
    super(buffer, byteOffset, initial);
    if (initial !== undefined) Atomics.store(this.words, MAX, max ?? initial);
  }

  static override create(initial: number, max?: number): BoundedSemaphore {
    return new BoundedSemaphore(new SharedArrayBuffer(BoundedSemaphore.BYTES), 0, initial, max ?? initial);
  }

  static override from(handle: BoundedSemaphoreHandle): BoundedSemaphore {
    return new BoundedSemaphore(handle.buffer, handle.byteOffset);
  }

  get max(): number {
    return Atomics.load(this.words, MAX);
  }

  protected override addPermits(n: number): void {
    // CAS loop rather than add-then-check, so that a rejected release leaves
    // the count untouched for everybody else.
    const w = this.words;
    const max = Atomics.load(w, MAX);
    for (;;) {
      const c = Atomics.load(w, PERMITS);
      if (c + n > max) {
        throw new RangeError(`BoundedSemaphore.release(${n}): count ${c} would exceed max ${max}`);
      }
      if (Atomics.compareExchange(w, PERMITS, c, c + n) === c) return;
    }
  }
}
