import { checkCount, checkRegion, deadlineAfter, remainingMs } from './region.js';

export interface BarrierHandle {
  buffer: SharedArrayBuffer;
  byteOffset: number;
  parties: number;
}

export interface BarrierResult {
  /** false if the wait timed out; the caller's arrival was then withdrawn. */
  ok: boolean;
  /** The generation this wait belonged to (counts modulo 2^19, from 0). */
  generation: number;
  /** Arrival order within the generation, 0 .. parties-1; the last arrival released the others. */
  index: number;
}

// Layout (4 bytes, zeroed = generation 0, nobody arrived). One word holds
// both counters so that "arrive" and "last one in: reset and advance the
// generation" are a single compare-exchange, and so is withdrawing on timeout:
//
//    31 30                    12 11           0
//   +--+------------------------+--------------+
//   |0 |   generation (19 bit)  | arrived (12) |
//   +--+------------------------+--------------+
//
// Waiters sleep on the whole word; arrivals that change only the low bits
// may make a sleeper's Atomics.wait return 'not-equal', which just loops.
const COUNT_BITS = 12;
const COUNT_MASK = (1 << COUNT_BITS) - 1;
const GEN_MASK = (1 << 19) - 1;

/**
 * Reusable cyclic barrier (Python's threading.Barrier without the action):
 * each generation releases all `parties` waiters when the last one arrives,
 * then the barrier is ready for the next generation.
 *
 * `parties` is configuration, not state: it is passed to the constructor and
 * travels in the handle, so a zeroed region needs no initialisation.
 *
 * On timeout a waiter withdraws its arrival (unlike Python, the barrier does
 * not break), so the others can still complete the generation with a
 * late-comer; arrival indices may then repeat within that generation.
 */
export class Barrier {
  static readonly BYTES = 4;
  static readonly MAX_PARTIES = COUNT_MASK;

  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly parties: number;
  private readonly word: Int32Array;

  constructor(buffer: SharedArrayBuffer, byteOffset = 0, parties: number) {
    checkRegion('Barrier', buffer, byteOffset, Barrier.BYTES);
    checkCount('Barrier', 'parties', parties, 1);
    if (parties > COUNT_MASK) throw new RangeError(`Barrier: at most ${COUNT_MASK} parties`);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.parties = parties;
    this.word = new Int32Array(buffer, byteOffset, 1);
  }

  static create(parties: number): Barrier {
    return new Barrier(new SharedArrayBuffer(Barrier.BYTES), 0, parties);
  }

  static from(handle: BarrierHandle): Barrier {
    return new Barrier(handle.buffer, handle.byteOffset, handle.parties);
  }

  handle(): BarrierHandle {
    return { buffer: this.buffer, byteOffset: this.byteOffset, parties: this.parties };
  }

  /** Current generation (modulo 2^19). */
  generation(): number {
    return Atomics.load(this.word, 0) >>> COUNT_BITS;
  }

  /** Threads waiting in the current generation (a snapshot). */
  arrived(): number {
    return Atomics.load(this.word, 0) & COUNT_MASK;
  }

  wait(timeoutMs?: number): BarrierResult {
    const w = this.word;
    let gen: number;
    let index: number;
    for (;;) {
      const cur = Atomics.load(w, 0);
      gen = cur >>> COUNT_BITS;
      index = cur & COUNT_MASK;
      if (index + 1 === this.parties) {
        // Last arrival: zero the count and advance the generation in one
        // step, then wake everyone sleeping on the word.
        const next = ((gen + 1) & GEN_MASK) << COUNT_BITS;
        if (Atomics.compareExchange(w, 0, cur, next) === cur) {
          Atomics.notify(w, 0);
          return { ok: true, generation: gen, index };
        }
      } else if (Atomics.compareExchange(w, 0, cur, cur + 1) === cur) {
        break;
      }
    }

    const deadline = deadlineAfter(timeoutMs);
    for (;;) {
      const cur = Atomics.load(w, 0);
      // Any change of generation means our generation completed: a withdrawn
      // party can never make the generation advance without us.
      if (cur >>> COUNT_BITS !== gen) return { ok: true, generation: gen, index };
      const left = remainingMs(deadline);
      if (left <= 0) {
        // Withdraw, unless the generation completed in the meantime (the
        // CAS fails and the loop then reports success).
        if (Atomics.compareExchange(w, 0, cur, cur - 1) === cur) {
          return { ok: false, generation: gen, index };
        }
        continue;
      }
      Atomics.wait(w, 0, cur, left);
    }
  }
}
