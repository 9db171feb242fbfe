/** A persistent worker of the Amdahl/Gustafson pool: computes unit ranges on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { rangeSum } from './kernel.js';
import type { WorkInit, WorkReply, WorkRequest } from './messages.js';

const port = parentPort;
if (!port) throw new Error('work.worker must run as a worker thread');
const init = workerData as WorkInit;

// Warm up before saying ready, so that no timed job pays for compilation.
rangeSum(0, init.warmUnits, init.seed);
port.postMessage({ type: 'ready' } satisfies WorkReply);

port.on('message', (m: WorkRequest) => {
  const t0 = performance.now();
  const sum = rangeSum(m.from, m.to, init.seed);
  port.postMessage({ type: 'done', id: m.id, sum, ms: performance.now() - t0 } satisfies WorkReply);
});
