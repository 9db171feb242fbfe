// Synchronization primitives on SharedArrayBuffer + Atomics, for labs 4-6.
//
// Every primitive follows the same shape:
//   - it lives in a region of a SharedArrayBuffer: `static BYTES` (fixed size)
//     or `static bytes(...config)` says how many bytes it needs;
//   - `new X(buffer, byteOffset, ...config)` attaches to that region, so a lab
//     can carve many primitives out of one buffer (offsets 4-aligned;
//     SharedQueue 8-aligned);
//   - `X.create(...)` allocates a buffer of its own;
//   - `x.handle()` is a plain, postMessage-able object, and `X.from(handle)`
//     rebuilds the same primitive in another worker.
// Zeroed memory is a valid initial state for all of them. Configuration
// (barrier parties, ring capacity, queue slots...) is passed to the
// constructor and carried in the handle rather than stored. The one
// exception is the semaphore count, which is state: passing `initial` to the
// Semaphore/BoundedSemaphore constructor writes it (and `max`), omitting it
// attaches.
//
// Blocking is Atomics.wait/Atomics.notify only (allowed on Node's main thread
// too), with at most a short bounded spin before sleeping. Every blocking call
// takes an optional timeoutMs (omitted: wait forever) and reports a timeout
// by its return value (false / null / ok: false), never by throwing.
export { Mutex, type MutexHandle } from './mutex.js';
export { ReentrantMutex, currentOwnerId, type ReentrantMutexHandle } from './reentrant-mutex.js';
export { Semaphore, type SemaphoreHandle } from './semaphore.js';
export { BoundedSemaphore, type BoundedSemaphoreHandle } from './bounded-semaphore.js';
export { Condition, type ConditionHandle } from './condition.js';
export { Event, type EventHandle } from './event.js';
export { Barrier, type BarrierHandle, type BarrierResult } from './barrier.js';
export { RingBuffer, type RingBufferHandle } from './ring-buffer.js';
export { BlockingQueue, type BlockingQueueHandle } from './blocking-queue.js';
export {
  SharedQueue,
  type SharedQueueHandle,
  type SharedQueueItem,
  type SharedQueueKind,
} from './shared-queue.js';
