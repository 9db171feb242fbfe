import { Condition } from './condition.js';
import { Mutex } from './mutex.js';
import { checkCount, checkRegion, deadlineAfter, remainingMs } from './region.js';

export type SharedQueueKind = 'fifo' | 'lifo' | 'priority';

export interface SharedQueueItem {
  value: number;
  priority: number;
}

export interface SharedQueueHandle {
  buffer: SharedArrayBuffer;
  byteOffset: number;
  kind: SharedQueueKind;
  capacity: number;
}

// Layout (SharedQueue.bytes(kind, capacity); byteOffset must be a multiple
// of 8 because items are Float64; zeroed = empty):
//   +0   Mutex
//   +4   Condition notEmpty
//   +12  Condition notFull
//   +20  count
//   +24  head        (fifo only: index of the oldest item in the circle)
//   +28  (pad)
//   +32  nextSeq f64 (priority only: insertion counter, exact up to 2^53)
//   +40  items: fifo/lifo: value f64 each
//               priority:  [value, priority, seq] f64 triples, a binary
//                          min-heap on (priority, seq) in array order:
//                          children of i are 2i+1 and 2i+2
const MUTEX = 0;
const NOT_EMPTY = 4;
const NOT_FULL = 12;
const COUNT = 5;
const HEAD = 6;
const SEQ_F64 = 4; // Float64 index of nextSeq (+32)
const ITEMS_BYTES_OFFSET = 40;
const ITEMS = ITEMS_BYTES_OFFSET / 8; // Float64 index of item 0

function itemWidth(kind: SharedQueueKind): number {
  return kind === 'priority' ? 3 : 1; // Float64s per item
}

/**
 * Bounded thread-safe queue of numbers shared across workers, in the three
 * flavours of Python's queue module: 'fifo' (Queue), 'lifo' (LifoQueue) and
 * 'priority' (PriorityQueue: lowest priority number first, equal priorities
 * in insertion order). Items are plain numbers; for 'priority' put
 * `{ value, priority }` (a bare number has priority 0). `kind` and
 * `capacity` are configuration carried in the handle.
 */
export class SharedQueue {
  static bytes(kind: SharedQueueKind, capacity: number): number {
    checkKind(kind);
    checkCount('SharedQueue', 'capacity', capacity, 1);
    return ITEMS_BYTES_OFFSET + capacity * itemWidth(kind) * 8;
  }

  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly kind: SharedQueueKind;
  readonly capacity: number;
  private readonly mutex: Mutex;
  private readonly notEmpty: Condition;
  private readonly notFull: Condition;
  private readonly ctrl: Int32Array;
  private readonly f64: Float64Array; // whole region from +0; items start at ITEMS

  constructor(buffer: SharedArrayBuffer, byteOffset = 0, kind: SharedQueueKind, capacity: number) {
    const bytes = SharedQueue.bytes(kind, capacity);
    checkRegion('SharedQueue', buffer, byteOffset, bytes, 8);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.kind = kind;
    this.capacity = capacity;
    this.mutex = new Mutex(buffer, byteOffset + MUTEX);
    this.notEmpty = new Condition(buffer, byteOffset + NOT_EMPTY);
    this.notFull = new Condition(buffer, byteOffset + NOT_FULL);
    this.ctrl = new Int32Array(buffer, byteOffset, 8);
    this.f64 = new Float64Array(buffer, byteOffset, bytes / 8);
  }

  static create(kind: SharedQueueKind, capacity: number): SharedQueue {
    return new SharedQueue(new SharedArrayBuffer(SharedQueue.bytes(kind, capacity)), 0, kind, capacity);
  }

  static from(handle: SharedQueueHandle): SharedQueue {
    return new SharedQueue(handle.buffer, handle.byteOffset, handle.kind, handle.capacity);
  }

  handle(): SharedQueueHandle {
    return { buffer: this.buffer, byteOffset: this.byteOffset, kind: this.kind, capacity: this.capacity };
  }

  /** Adds an item, waiting up to `timeoutMs` (forever if omitted) while full; false on timeout. */
  put(item: number | SharedQueueItem, timeoutMs?: number): boolean {
    const value = typeof item === 'number' ? item : item.value;
    const priority = typeof item === 'number' ? 0 : item.priority;
    if (Number.isNaN(priority)) throw new RangeError('SharedQueue.put: priority is NaN');
    const deadline = deadlineAfter(timeoutMs);
    if (!this.mutex.lock(remainingMs(deadline))) return false;
    try {
      const c = this.ctrl;
      for (;;) {
        if (Atomics.load(c, COUNT) < this.capacity) break;
        const left = remainingMs(deadline);
        if (left <= 0) return false;
        this.notFull.wait(this.mutex, left);
      }
      // Under the mutex, so plain reads/writes of the items are safe: the
      // mutex's atomic unlock/lock orders them between threads.
      const n = Atomics.load(c, COUNT);
      const f = this.f64;
      if (this.kind === 'fifo') {
        let i = Atomics.load(c, HEAD) + n;
        if (i >= this.capacity) i -= this.capacity;
        f[ITEMS + i] = value;
      } else if (this.kind === 'lifo') {
        f[ITEMS + n] = value;
      } else {
        const seq = f[SEQ_F64]!;
        f[SEQ_F64] = seq + 1;
        this.setItem(n, value, priority, seq);
        this.siftUp(n);
      }
      Atomics.store(c, COUNT, n + 1);
      this.notEmpty.notify();
      return true;
    } finally {
      this.mutex.unlock();
    }
  }

  /** Removes the next item's value, waiting up to `timeoutMs` (forever if omitted); null on timeout. */
  get(timeoutMs?: number): number | null {
    const item = this.getItem(timeoutMs);
    return item === null ? null : item.value;
  }

  /** Like get(), but also returns the priority (0 for fifo/lifo). */
  getItem(timeoutMs?: number): SharedQueueItem | null {
    const deadline = deadlineAfter(timeoutMs);
    if (!this.mutex.lock(remainingMs(deadline))) return null;
    try {
      const c = this.ctrl;
      for (;;) {
        if (Atomics.load(c, COUNT) > 0) break;
        const left = remainingMs(deadline);
        if (left <= 0) return null;
        this.notEmpty.wait(this.mutex, left);
      }
      const n = Atomics.load(c, COUNT) - 1; // items left after this get
      const f = this.f64;
      let item: SharedQueueItem;
      if (this.kind === 'fifo') {
        const head = Atomics.load(c, HEAD);
        item = { value: f[ITEMS + head]!, priority: 0 };
        Atomics.store(c, HEAD, head + 1 === this.capacity ? 0 : head + 1);
      } else if (this.kind === 'lifo') {
        item = { value: f[ITEMS + n]!, priority: 0 };
      } else {
        item = { value: f[ITEMS]!, priority: f[ITEMS + 1]! };
        // Move the last leaf to the root and let it sink.
        if (n > 0) {
          const b = ITEMS + 3 * n;
          this.setItem(0, f[b]!, f[b + 1]!, f[b + 2]!);
          this.siftDown(0, n);
        }
      }
      Atomics.store(c, COUNT, n);
      this.notFull.notify();
      return item;
    } finally {
      this.mutex.unlock();
    }
  }

  /** Number of queued items (a snapshot). */
  size(): number {
    return Atomics.load(this.ctrl, COUNT);
  }

  // ---- binary heap (priority kind) ----------------------------------------

  private setItem(i: number, value: number, priority: number, seq: number): void {
    const b = ITEMS + 3 * i;
    this.f64[b] = value;
    this.f64[b + 1] = priority;
    this.f64[b + 2] = seq;
  }

  /** (priority, seq) of item i < that of item j: lower priority first, then older first. */
  private less(i: number, j: number): boolean {
    const f = this.f64;
    const a = ITEMS + 3 * i;
    const b = ITEMS + 3 * j;
    const pa = f[a + 1]!;
    const pb = f[b + 1]!;
    return pa < pb || (pa === pb && f[a + 2]! < f[b + 2]!);
  }

  private swap(i: number, j: number): void {
    const f = this.f64;
    const a = ITEMS + 3 * i;
    const b = ITEMS + 3 * j;
    for (let k = 0; k < 3; k++) {
      const t = f[a + k]!;
      f[a + k] = f[b + k]!;
      f[b + k] = t;
    }
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number, n: number): void {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const m = r < n && this.less(r, l) ? r : l;
      if (!this.less(m, i)) return;
      this.swap(i, m);
      i = m;
    }
  }
}

function checkKind(kind: string): asserts kind is SharedQueueKind {
  if (kind !== 'fifo' && kind !== 'lifo' && kind !== 'priority') {
    throw new RangeError(`SharedQueue: kind must be 'fifo', 'lifo' or 'priority', got ${String(kind)}`);
  }
}
