/**
 * One of the two false-sharing workers: it increments its own Int32 cell of
 * a shared buffer. The cells are never shared, so the counts are exact
 * whatever the layout; only the time changes, because the cache line that
 * holds both cells has to move between the cores on every write.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Barrier } from '../../src/sync/barrier.js';
import { BARRIER_TIMEOUT_MS, type HammerInit, type HammerReply, type HammerRequest } from './messages.js';

const port = parentPort;
if (!port) throw new Error('hammer.worker must run as a worker thread');
const init = workerData as HammerInit;
const cells = new Int32Array(init.counters);
const start = Barrier.from(init.barrier);

// Atomics.add is a locked read-modify-write (lock xadd on x86): every call
// must own the line, so the ping-pong is guaranteed to happen.
function atomicLoop(index: number, n: number): void {
  for (let i = 0; i < n; i++) Atomics.add(cells, index, 1);
}

// A plain load/add/store per iteration. Today V8 stores on every iteration,
// but the memory model would let a compiler keep the count in a register
// and store once, which would hide the effect: that is why Atomics is the
// reliable variant and plain the illustrative one.
function plainLoop(index: number, n: number): void {
  for (let i = 0; i < n; i++) cells[index] = (cells[index] as number) + 1;
}

port.postMessage({ type: 'ready' } satisfies HammerReply);

port.on('message', (m: HammerRequest) => {
  // Both workers start together, so the two loops really overlap in time.
  if (!start.wait(BARRIER_TIMEOUT_MS).ok) {
    port.postMessage({ type: 'error', id: m.id, message: 'partner never reached the start barrier' } satisfies HammerReply);
    return;
  }
  const t0 = performance.now();
  if (m.op === 'atomics') atomicLoop(m.index, m.increments);
  else plainLoop(m.index, m.increments);
  // The reply goes through the port's locked queue after the last store, so
  // the lab's Atomics.load after receiving it sees the final count.
  port.postMessage({ type: 'hammered', id: m.id, ms: performance.now() - t0 } satisfies HammerReply);
});
