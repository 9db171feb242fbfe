import { Condition } from './condition.js';
import { Mutex } from './mutex.js';
import { checkCount, checkRegion, deadlineAfter, remainingMs } from './region.js';

export interface BlockingQueueHandle {
  buffer: SharedArrayBuffer;
  byteOffset: number;
  slots: number;
  slotBytes: number;
}

// Layout (BlockingQueue.bytes(slots, slotBytes); zeroed = empty and open):
//   +0   Mutex      guards everything below
//   +4   Condition  notEmpty (takers wait here)
//   +12  Condition  notFull  (putters wait here)
//   +20  head       slot index of the oldest message
//   +24  count      messages in the queue
//   +28  closed     0 open, 1 closed
//   +32  slot[0], slot[1], ... each [length i32][payload, slotBytes rounded up to 4]
const MUTEX = 0;
const NOT_EMPTY = 4;
const NOT_FULL = 12;
const HEAD = 5;
const COUNT = 6;
const CLOSED = 7;
const HEADER_BYTES = 32;

/**
 * Bounded multi-producer multi-consumer queue of byte messages, each of at
 * most `slotBytes`, in `slots` fixed-size slots: the textbook monitor (one
 * Mutex, two Conditions). put() blocks while the queue is full, which is the
 * backpressure a fast producer needs; take() blocks while it is empty.
 *
 * close() ends the stream: takers drain what is left and then get null
 * immediately instead of blocking; put() on a closed queue throws (a
 * producer that outlives close() is a bug, not a timeout). `slots` and
 * `slotBytes` are configuration carried in the handle; a zeroed region is an
 * empty, open queue.
 */
export class BlockingQueue {
  static bytes(slots: number, slotBytes: number): number {
    checkCount('BlockingQueue', 'slots', slots, 1);
    checkCount('BlockingQueue', 'slotBytes', slotBytes, 0);
    return HEADER_BYTES + slots * stride(slotBytes);
  }

  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly slots: number;
  readonly slotBytes: number;
  private readonly mutex: Mutex;
  private readonly notEmpty: Condition;
  private readonly notFull: Condition;
  private readonly ctrl: Int32Array;
  private readonly words: Int32Array; // slot length words
  private readonly data: Uint8Array;
  private readonly stride: number;

  constructor(buffer: SharedArrayBuffer, byteOffset = 0, slots: number, slotBytes: number) {
    checkRegion('BlockingQueue', buffer, byteOffset, BlockingQueue.bytes(slots, slotBytes));
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.slots = slots;
    this.slotBytes = slotBytes;
    this.stride = stride(slotBytes);
    this.mutex = new Mutex(buffer, byteOffset + MUTEX);
    this.notEmpty = new Condition(buffer, byteOffset + NOT_EMPTY);
    this.notFull = new Condition(buffer, byteOffset + NOT_FULL);
    this.ctrl = new Int32Array(buffer, byteOffset, HEADER_BYTES / 4);
    this.words = new Int32Array(buffer, byteOffset + HEADER_BYTES, (slots * this.stride) / 4);
    this.data = new Uint8Array(buffer, byteOffset + HEADER_BYTES, slots * this.stride);
  }

  static create(slots: number, slotBytes: number): BlockingQueue {
    return new BlockingQueue(new SharedArrayBuffer(BlockingQueue.bytes(slots, slotBytes)), 0, slots, slotBytes);
  }

  static from(handle: BlockingQueueHandle): BlockingQueue {
    return new BlockingQueue(handle.buffer, handle.byteOffset, handle.slots, handle.slotBytes);
  }

  handle(): BlockingQueueHandle {
    return { buffer: this.buffer, byteOffset: this.byteOffset, slots: this.slots, slotBytes: this.slotBytes };
  }

  /**
   * Appends a copy of `bytes`, waiting up to `timeoutMs` (forever if
   * omitted) while the queue is full. False on timeout (nothing was added).
   * Throws RangeError if `bytes` is longer than slotBytes, and Error if the
   * queue is (or becomes, while waiting) closed.
   */
  put(bytes: Uint8Array, timeoutMs?: number): boolean {
    if (bytes.length > this.slotBytes) {
      throw new RangeError(`BlockingQueue.put: ${bytes.length} bytes exceed slotBytes ${this.slotBytes}`);
    }
    const deadline = deadlineAfter(timeoutMs);
    if (!this.mutex.lock(remainingMs(deadline))) return false;
    try {
      const c = this.ctrl;
      for (;;) {
        if (Atomics.load(c, CLOSED) !== 0) throw new Error('BlockingQueue.put: queue is closed');
        if (Atomics.load(c, COUNT) < this.slots) break;
        const left = remainingMs(deadline);
        if (left <= 0) return false;
        this.notFull.wait(this.mutex, left); // loop re-checks: wake-ups are hints
      }
      const count = Atomics.load(c, COUNT);
      let slot = Atomics.load(c, HEAD) + count;
      if (slot >= this.slots) slot -= this.slots;
      const at = slot * this.stride;
      this.words[at >> 2] = bytes.length;
      this.data.set(bytes, at + 4);
      Atomics.store(c, COUNT, count + 1);
      this.notEmpty.notify(); // free when nobody waits (see Condition.notify)
      return true;
    } finally {
      this.mutex.unlock();
    }
  }

  /**
   * Removes and returns the oldest message, waiting up to `timeoutMs`
   * (forever if omitted) while the queue is empty. Returns null on timeout,
   * or at once when the queue is empty and closed.
   */
  take(timeoutMs?: number): Uint8Array | null {
    const deadline = deadlineAfter(timeoutMs);
    if (!this.mutex.lock(remainingMs(deadline))) return null;
    try {
      const c = this.ctrl;
      for (;;) {
        if (Atomics.load(c, COUNT) > 0) break;
        if (Atomics.load(c, CLOSED) !== 0) return null;
        const left = remainingMs(deadline);
        if (left <= 0) return null;
        this.notEmpty.wait(this.mutex, left);
      }
      const head = Atomics.load(c, HEAD);
      const at = head * this.stride;
      const len = this.words[at >> 2]!;
      const out = this.data.slice(at + 4, at + 4 + len);
      Atomics.store(c, HEAD, head + 1 === this.slots ? 0 : head + 1);
      Atomics.sub(c, COUNT, 1);
      this.notFull.notify();
      return out;
    } finally {
      this.mutex.unlock();
    }
  }

  /** Number of queued messages (a snapshot). */
  size(): number {
    return Atomics.load(this.ctrl, COUNT);
  }

  isClosed(): boolean {
    return Atomics.load(this.ctrl, CLOSED) !== 0;
  }

  /** Closes the queue and wakes every blocked put() and take(). Idempotent. */
  close(): void {
    this.mutex.lock();
    try {
      Atomics.store(this.ctrl, CLOSED, 1);
      this.notEmpty.notifyAll();
      this.notFull.notifyAll();
    } finally {
      this.mutex.unlock();
    }
  }
}

function stride(slotBytes: number): number {
  return 4 + ((slotBytes + 3) & ~3);
}
