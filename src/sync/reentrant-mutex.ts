import { threadId } from 'node:worker_threads';
import { Mutex } from './mutex.js';
import { checkCount, checkRegion } from './region.js';

export interface ReentrantMutexHandle {
  buffer: SharedArrayBuffer;
  byteOffset: number;
}

// Layout (12 bytes, zeroed = unlocked, no owner):
//   +0  Mutex word (the lock proper)
//   +4  owner id   (0 = none)
//   +8  recursion depth
const OWNER = 1;
const DEPTH = 2;

/** `threadId + 1`, so that the main thread (threadId 0) is owner 1 and 0 can mean "no owner". */
export function currentOwnerId(): number {
  return threadId + 1;
}

/**
 * A lock the holding thread may lock again (Python's RLock). Each `lock()`
 * must be matched by an `unlock()`; unlocking from a thread that does not
 * own it throws.
 *
 * Identity is a positive integer, by default `threadId + 1` of the calling
 * worker. Pass an explicit `ownerId` to model several logical owners in one
 * thread (tests, or a lab that runs "threads" as tasks): two objects attached
 * to the same region with different ids then exclude each other.
 */
export class ReentrantMutex {
  static readonly BYTES = 12;

  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly ownerId: number;
  private readonly words: Int32Array;
  private readonly mutex: Mutex;

  constructor(buffer: SharedArrayBuffer, byteOffset = 0, ownerId: number = currentOwnerId()) {
    checkRegion('ReentrantMutex', buffer, byteOffset, ReentrantMutex.BYTES);
    checkCount('ReentrantMutex', 'ownerId', ownerId, 1);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.ownerId = ownerId;
    this.words = new Int32Array(buffer, byteOffset, 3);
    this.mutex = new Mutex(buffer, byteOffset);
  }

  static create(ownerId?: number): ReentrantMutex {
    return new ReentrantMutex(new SharedArrayBuffer(ReentrantMutex.BYTES), 0, ownerId);
  }

  /** The owner id is per thread, so it is not part of the handle. */
  static from(handle: ReentrantMutexHandle, ownerId?: number): ReentrantMutex {
    return new ReentrantMutex(handle.buffer, handle.byteOffset, ownerId);
  }

  handle(): ReentrantMutexHandle {
    return { buffer: this.buffer, byteOffset: this.byteOffset };
  }

  lock(timeoutMs?: number): boolean {
    // Reading our own id back is race-free: only the owner writes its id
    // into OWNER, and it clears it before releasing the inner mutex, so
    // another thread can never make this comparison true for us.
    if (Atomics.load(this.words, OWNER) === this.ownerId) {
      Atomics.add(this.words, DEPTH, 1);
      return true;
    }
    if (!this.mutex.lock(timeoutMs)) return false;
    this.claim();
    return true;
  }

  tryLock(): boolean {
    if (Atomics.load(this.words, OWNER) === this.ownerId) {
      Atomics.add(this.words, DEPTH, 1);
      return true;
    }
    if (!this.mutex.tryLock()) return false;
    this.claim();
    return true;
  }

  unlock(): void {
    const owner = Atomics.load(this.words, OWNER);
    if (owner !== this.ownerId) {
      throw new Error(
        owner === 0
          ? 'ReentrantMutex.unlock(): mutex is not locked'
          : `ReentrantMutex.unlock(): owned by ${owner}, not by ${this.ownerId}`,
      );
    }
    if (Atomics.sub(this.words, DEPTH, 1) > 1) return;
    // Clear the owner before releasing, or the next holder's thread could
    // briefly see our id (see lock()).
    Atomics.store(this.words, OWNER, 0);
    this.mutex.unlock();
  }

  /** Recursion depth if the calling owner holds it, else 0. */
  depth(): number {
    return Atomics.load(this.words, OWNER) === this.ownerId ? Atomics.load(this.words, DEPTH) : 0;
  }

  isOwned(): boolean {
    return Atomics.load(this.words, OWNER) === this.ownerId;
  }

  private claim(): void {
    Atomics.store(this.words, DEPTH, 1);
    Atomics.store(this.words, OWNER, this.ownerId);
  }
}
