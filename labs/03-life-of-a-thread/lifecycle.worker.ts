/**
 * One worker thread, whose ending the lab chooses (workerData.mode): it says
 * hello first, so the parent sees a "first message" in every lifecycle (and,
 * with workerData.go, waits for the parent's go), then ends normally, throws,
 * spins until terminated, runs out of heap, or idles.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { clockMs, THROWN_MESSAGE, type LifecycleData, type ParentMsg, type WorkerMsg } from './messages.js';

const data = workerData as LifecycleData;
const port = parentPort;
if (!port) throw new Error('lifecycle.worker must run as a worker thread');
const send = (m: WorkerMsg): void => port.postMessage(m);

/** Busy CPU for ms: the thread is running JavaScript, as real work would. */
function spin(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x = (x * 31 + 7) % 1_000_003;
  return x;
}

/** A named function, so that the stack the parent receives names it and this file. */
function failOnPurpose(): never {
  throw new Error(THROWN_MESSAGE);
}

/** Allocate without end: each chunk stays reachable, so GC cannot help, and V8 hits maxOldGenerationSizeMb. */
function hoard(): never {
  const chunks: number[][] = [];
  for (;;) chunks.push(new Array<number>(1024).fill(chunks.length));
}

function live(): void {
  switch (data.mode) {
    case 'normal':
      spin(data.workMs);
      send({ type: 'done', threadId, at: clockMs() });
      break; // nothing left on this thread's event loop: it exits with code 0
    case 'throw':
      // From a timer callback, as a real bug would: an uncaught exception, not a failed module load.
      setTimeout(() => {
        spin(data.workMs);
        failOnPurpose();
      }, 0);
      break;
    case 'busy':
      // A synchronous loop: terminate() must stop JavaScript that never yields.
      spin(data.workMs);
      send({ type: 'done', threadId, at: clockMs() });
      break;
    case 'oom':
      hoard();
      break;
    case 'idle':
      setTimeout(() => send({ type: 'done', threadId, at: clockMs() }), data.workMs);
      break;
  }
}

send({ type: 'hello', threadId, at: clockMs() });
if (data.go) port.once('message', (_go: ParentMsg) => live());
else live();
