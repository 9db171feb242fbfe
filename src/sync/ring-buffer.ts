import { checkRegion, deadlineAfter, remainingMs } from './region.js';

export interface RingBufferHandle {
  buffer: SharedArrayBuffer;
  byteOffset: number;
  capacity: number;
}

// Lock-free single-producer single-consumer ring of variable-length messages.
//
// Region layout (RingBuffer.bytes(capacity) = 128 + capacity bytes):
//
//   byteOffset
//   +0    tail             i32  next write position   written by the PRODUCER
//   +4    producerWaiting  i32  1 while the producer sleeps on `head`
//   ...   (pad: the two sides' words sit 64 bytes apart, so they never share
//          a cache line and the cores do not ping-pong it on every message)
//   +64   head             i32  next read position    written by the CONSUMER
//   +68   consumerWaiting  i32  1 while the consumer sleeps on `tail`
//   ...
//   +128  data[capacity]   records, back to back, wrapping at `capacity`
//
// Each record is a native-endian Int32 length, then the payload, then 0-3
// pad bytes so the next record starts 4-aligned. Because capacity is a
// multiple of 4, a length word never straddles the end; a payload may, and is
// then copied in two pieces. Three records in flight, oldest `a`:
//
//   data[0]                                                      data[capacity)
//   |                                                                     |
//   |xx xx|len|bb bb bb pp|........free........|len|aa aa aa|len|xx xx xx |
//   '-----'               ^                    ^                '-- x's payload
//    x's payload, cont.   tail: the producer   head: the consumer    wraps to
//                         writes here next     reads here next       data[0]
//
// head and tail are positions in [0, 2*capacity), not [0, capacity): the
// physical offset is `index mod capacity`, and `(tail - head) mod 2*capacity`
// is the number of bytes in use, which tells "full" (== capacity) from
// "empty" (== 0) without sacrificing a slot.
//
// Memory ordering. The payload bytes are written and read with plain
// (non-atomic) typed-array accesses; only the two indices are atomic. The
// producer copies the record in, THEN publishes it with Atomics.store(tail).
// The consumer reads tail with Atomics.load and only then touches the bytes
// before it. ECMAScript's atomics are sequentially consistent, and an atomic
// write synchronizes-with the atomic read that observes it, so everything
// the producer did before the store (the copy) happens-before everything the
// consumer does after the load: it can never see a half-written record. The
// same argument runs the other way for space: the consumer finishes copying a
// record out, THEN stores head; the producer loads head before it overwrites
// those bytes. Each index has exactly one writer, so no CAS is needed, and
// each side may read its OWN index with a plain read (no other thread writes
// it, so there is nothing to race with; if the role moves to another thread,
// whatever handed it over — postMessage, a lock — already orders the two).
//
// Blocking. When the ring is empty the consumer sets consumerWaiting = 1 and
// sleeps with Atomics.wait(tail, oldTail); the producer, after storing tail,
// reads consumerWaiting and only calls Atomics.notify if it is set. This is
// the Dekker pattern (each side stores its own word, then loads the other's):
// under sequential consistency at least one side sees the other's store, so
// either Atomics.wait finds tail changed and returns at once, or the producer
// sees the flag and notifies. The full ring is the mirror image on `head`.
// On the hot path, with nobody asleep, a message costs one atomic load of the
// other side's index, one atomic store of its own, one atomic load of the
// other side's flag and a copy: no notify, no allocation (tryWrite/readInto).

const TAIL = 0;
const PRODUCER_WAITING = 1;
const HEAD = 16;
const CONSUMER_WAITING = 17;
const HEADER_BYTES = 128;
const LEN_BYTES = 4;

// Before parking, a blocked side re-checks the other side's index this many
// times: when both threads are running, the next message usually arrives
// within a microsecond or two, far cheaper than a futex sleep and wake-up.
// Bounded, so an idle ring still parks instead of burning a core.
const SPINS = 200;

/**
 * Single-producer single-consumer byte ring for variable-length messages.
 * Exactly one thread may write and exactly one (other or same) thread may
 * read at a time; for many producers or consumers use BlockingQueue.
 *
 * `capacity` (a multiple of 4, at least 8) is configuration, passed to the
 * constructor and carried in the handle; a zeroed region is an empty ring.
 * Each message occupies 4 + its length rounded up to 4 bytes, so the largest
 * message is `capacity - 4` bytes (`maxMessageBytes`).
 */
export class RingBuffer {
  static bytes(capacity: number): number {
    checkCapacity(capacity);
    return HEADER_BYTES + capacity;
  }

  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly capacity: number;
  readonly maxMessageBytes: number;
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private readonly words: Int32Array; // the data region as 32-bit words
  private readonly span: number; // 2 * capacity: the index space
  // Word views of the caller's last message / target array (see copyIn).
  private inBytes: Uint8Array | null = null;
  private inWords: Int32Array | null = null;
  private outBytes: Uint8Array | null = null;
  private outWords: Int32Array | null = null;

  constructor(buffer: SharedArrayBuffer, byteOffset = 0, capacity: number) {
    checkRegion('RingBuffer', buffer, byteOffset, RingBuffer.bytes(capacity));
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.capacity = capacity;
    this.maxMessageBytes = capacity - LEN_BYTES;
    this.span = 2 * capacity;
    this.ctrl = new Int32Array(buffer, byteOffset, HEADER_BYTES / 4);
    this.data = new Uint8Array(buffer, byteOffset + HEADER_BYTES, capacity);
    this.words = new Int32Array(buffer, byteOffset + HEADER_BYTES, capacity / 4);
  }

  static create(capacity: number): RingBuffer {
    return new RingBuffer(new SharedArrayBuffer(RingBuffer.bytes(capacity)), 0, capacity);
  }

  static from(handle: RingBufferHandle): RingBuffer {
    return new RingBuffer(handle.buffer, handle.byteOffset, handle.capacity);
  }

  handle(): RingBufferHandle {
    return { buffer: this.buffer, byteOffset: this.byteOffset, capacity: this.capacity };
  }

  /** Bytes in use, record headers and padding included (a snapshot). */
  usedBytes(): number {
    return this.used(Atomics.load(this.ctrl, TAIL), Atomics.load(this.ctrl, HEAD));
  }

  // ---- producer side ------------------------------------------------------

  /**
   * Appends one message if there is room; false if the ring is too full.
   * Throws RangeError if the message can never fit (> maxMessageBytes).
   */
  tryWrite(bytes: Uint8Array): boolean {
    const need = this.recordBytes(bytes.length);
    const t = this.ctrl[TAIL]!; // own index: plain read (see the header)
    if (this.capacity - this.used(t, Atomics.load(this.ctrl, HEAD)) < need) return false;
    this.publish(t, bytes, need);
    return true;
  }

  /** Like tryWrite, but waits up to `timeoutMs` (forever if omitted) for room. */
  write(bytes: Uint8Array, timeoutMs?: number): boolean {
    const need = this.recordBytes(bytes.length);
    const c = this.ctrl;
    const t = c[TAIL]!;
    let h = Atomics.load(c, HEAD);
    if (this.capacity - this.used(t, h) < need) {
      const deadline = deadlineAfter(timeoutMs);
      for (let i = 0; ; i++) {
        h = Atomics.load(c, HEAD);
        if (this.capacity - this.used(t, h) >= need) break;
        if (i < SPINS) continue;
        const left = remainingMs(deadline);
        if (left <= 0) return false;
        // Flag first, then sleep only while head is unchanged (see the
        // Dekker argument above). Each record the consumer frees wakes us;
        // we loop until enough of them are free for this message.
        Atomics.store(c, PRODUCER_WAITING, 1);
        Atomics.wait(c, HEAD, h, left);
        Atomics.store(c, PRODUCER_WAITING, 0);
      }
    }
    this.publish(t, bytes, need);
    return true;
  }

  // ---- consumer side ------------------------------------------------------

  /** Removes and returns the oldest message, or null if the ring is empty. */
  tryRead(): Uint8Array | null {
    const h = this.ctrl[HEAD]!;
    if (Atomics.load(this.ctrl, TAIL) === h) return null;
    return this.take(h);
  }

  /** Like tryRead, but waits up to `timeoutMs` (forever if omitted); null on timeout. */
  read(timeoutMs?: number): Uint8Array | null {
    const h = this.ctrl[HEAD]!;
    if (Atomics.load(this.ctrl, TAIL) === h && !this.awaitData(h, timeoutMs)) return null;
    return this.take(h);
  }

  /**
   * Copies the oldest message into `target` (from index 0) and removes it;
   * returns its length, or -1 if the ring stayed empty. Allocates nothing.
   * By default it does not block; pass `timeoutMs` (Infinity: no limit) to
   * wait for a message. Throws RangeError, leaving the message in the ring,
   * if `target` is shorter than the message; a target of `maxMessageBytes`
   * always suffices.
   */
  readInto(target: Uint8Array, timeoutMs = 0): number {
    const c = this.ctrl;
    const h = c[HEAD]!;
    if (Atomics.load(c, TAIL) === h && (timeoutMs <= 0 || !this.awaitData(h, timeoutMs))) return -1;
    const pos = h >= this.capacity ? h - this.capacity : h;
    const len = this.words[pos >> 2]!;
    if (len > target.length) {
      throw new RangeError(`RingBuffer.readInto: message of ${len} bytes does not fit a ${target.length}-byte target`);
    }
    this.copyOut(pos, target, len);
    this.release(h, len);
    return len;
  }

  // ---- internals ----------------------------------------------------------

  private used(tail: number, head: number): number {
    const u = tail - head;
    return u < 0 ? u + this.span : u;
  }

  private recordBytes(len: number): number {
    if (len > this.maxMessageBytes) {
      throw new RangeError(
        `RingBuffer: a ${len}-byte message can never fit (capacity ${this.capacity}, max message ${this.maxMessageBytes})`,
      );
    }
    return LEN_BYTES + ((len + 3) & ~3);
  }

  /** Copies the record in at index `t`, then makes it visible (the release store). */
  private publish(t: number, bytes: Uint8Array, need: number): void {
    const cap = this.capacity;
    const len = bytes.length;
    const pos = t >= cap ? t - cap : t;
    this.words[pos >> 2] = len;
    let p = pos + LEN_BYTES;
    if (p === cap) p = 0;
    const first = cap - p;
    if (len <= first) {
      this.copyIn(bytes, p, len);
    } else {
      this.data.set(bytes.subarray(0, first), p);
      this.data.set(bytes.subarray(first), 0);
    }
    let next = t + need;
    if (next >= this.span) next -= this.span;
    const c = this.ctrl;
    Atomics.store(c, TAIL, next);
    if (Atomics.load(c, CONSUMER_WAITING) !== 0) Atomics.notify(c, TAIL, 1);
  }

  private take(h: number): Uint8Array {
    const pos = h >= this.capacity ? h - this.capacity : h;
    const len = this.words[pos >> 2]!;
    let p = pos + LEN_BYTES;
    if (p === this.capacity) p = 0;
    let out: Uint8Array;
    if (len <= this.capacity - p) {
      out = this.data.slice(p, p + len); // one allocation: the result itself
    } else {
      out = new Uint8Array(len);
      this.copyOut(pos, out, len);
    }
    this.release(h, len);
    return out;
  }

  /**
   * Copies `len` bytes of `bytes` to data[p..] (no wrap). typed-array set()
   * costs a builtin call (~30 ns), a byte loop over shared memory more; a
   * loop over 32-bit words is several times faster for small messages. The
   * word view of the caller's array is built only when the SAME array comes
   * back (the usual hot loop reuses one buffer), so a caller passing fresh
   * arrays pays no extra allocation. `p` is always 4-aligned.
   */
  private copyIn(bytes: Uint8Array, p: number, len: number): void {
    let src: Int32Array | null = null;
    if (bytes === this.inBytes) {
      src = this.inWords ??= wordView(bytes);
    } else {
      this.inBytes = bytes;
      this.inWords = null;
    }
    const n = len >> 2;
    // (n > src.length only if the array tracks a resizable buffer that grew.)
    if (src === null || n > src.length) {
      this.data.set(bytes, p);
      return;
    }
    const dst = this.words;
    const base = p >> 2;
    for (let k = 0; k < n; k++) dst[base + k] = src[k]!;
    for (let k = n << 2; k < len; k++) this.data[p + k] = bytes[k]!;
  }

  /** Copies the payload of the record whose length word is at `pos` into target[0..len). */
  private copyOut(pos: number, target: Uint8Array, len: number): void {
    const cap = this.capacity;
    const data = this.data;
    let p = pos + LEN_BYTES;
    if (p === cap) p = 0;
    const first = cap - p;
    if (len > first) {
      // Wrapped payload: two copies (and two small views), once per lap.
      target.set(data.subarray(p, cap));
      target.set(data.subarray(0, len - first), first);
      return;
    }
    let dst: Int32Array | null = null;
    if (target === this.outBytes) {
      dst = this.outWords ??= wordView(target);
    } else {
      this.outBytes = target;
      this.outWords = null;
    }
    const n = len >> 2;
    if (dst !== null && n <= dst.length) {
      const src = this.words;
      const base = p >> 2;
      for (let k = 0; k < n; k++) dst[k] = src[base + k]!;
      for (let k = n << 2; k < len; k++) target[k] = data[p + k]!;
    } else {
      target.set(data.subarray(p, p + len));
    }
  }

  /** Frees the record at `h` for the producer (the consumer's release store). */
  private release(h: number, len: number): void {
    let next = h + LEN_BYTES + ((len + 3) & ~3);
    if (next >= this.span) next -= this.span;
    const c = this.ctrl;
    Atomics.store(c, HEAD, next);
    if (Atomics.load(c, PRODUCER_WAITING) !== 0) Atomics.notify(c, HEAD, 1);
  }

  /** Consumer: waits until tail moves away from `h`; false on timeout. */
  private awaitData(h: number, timeoutMs: number | undefined): boolean {
    const c = this.ctrl;
    for (let i = 0; i < SPINS; i++) {
      if (Atomics.load(c, TAIL) !== h) return true;
    }
    const deadline = deadlineAfter(timeoutMs);
    for (;;) {
      if (Atomics.load(c, TAIL) !== h) return true;
      const left = remainingMs(deadline);
      if (left <= 0) return false;
      Atomics.store(c, CONSUMER_WAITING, 1);
      Atomics.wait(c, TAIL, h, left); // returns at once if tail already moved
      Atomics.store(c, CONSUMER_WAITING, 0);
    }
  }
}

/** A 32-bit view of `a` if its start is 4-aligned (always true for a fresh Uint8Array), else null. */
function wordView(a: Uint8Array): Int32Array | null {
  return a.byteOffset % 4 === 0 ? new Int32Array(a.buffer, a.byteOffset, a.length >> 2) : null;
}

function checkCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 8 || capacity % 4 !== 0 || capacity > 2 ** 29) {
    throw new RangeError(`RingBuffer: capacity must be a multiple of 4 between 8 and 2^29, got ${capacity}`);
  }
}
