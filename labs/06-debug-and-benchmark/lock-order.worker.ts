/**
 * A worker that takes locks in a given order and reports, before each
 * acquisition, every lock it already holds: the edges of the lock-order
 * graph, written to shared memory (a count per edge and the first reporter).
 *
 * The workers of a program run one after another (each waits for the shared
 * turn word to reach its id), so they never overlap and the run cannot
 * deadlock, whatever orders they use: the graph still sees the orders.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Mutex } from '../../src/sync/mutex.js';
import type { LockOrderReply, LockOrderRun, LockOrderWorkerData } from './messages.js';

const data = workerData as LockOrderWorkerData;
const { id, waitMs, holdMs } = data;
const locks = data.locks.map((h) => Mutex.from(h));
const L = locks.length;
const words = new Int32Array(data.graph);
const TURN = 0;
const COUNT = 1;
const FIRST = 1 + L * L;
const port = parentPort;
if (!port) throw new Error('lock-order.worker.ts must run as a worker thread');

function awaitTurn(): void {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const turn = Atomics.load(words, TURN);
    if (turn === id) return;
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`no turn within ${waitMs} ms (turn is ${turn})`);
    Atomics.wait(words, TURN, turn, left);
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function run(m: LockOrderRun): LockOrderReply {
  awaitTurn();
  let acquired = 0;
  let contended = 0;
  try {
    for (const seq of m.sequences) {
      const held: number[] = [];
      try {
        for (const b of seq) {
          // Report before blocking, as lockdep does: a request that would
          // deadlock is recorded even if it never returns.
          for (const a of held) {
            Atomics.add(words, COUNT + a * L + b, 1);
            Atomics.compareExchange(words, FIRST + a * L + b, 0, id + 1);
          }
          const lock = locks[b] as Mutex;
          if (!lock.tryLock()) {
            contended++;
            if (!lock.lock(waitMs)) throw new Error(`lock ${b} not acquired within ${waitMs} ms: deadlock`);
          }
          held.push(b);
          acquired++;
        }
        // Hold the innermost lock a while: were another worker running now
        // with the opposite order, this is where both would be stuck.
        Atomics.wait(pause, 0, 0, holdMs);
      } finally {
        for (const b of held.reverse()) (locks[b] as Mutex).unlock();
      }
    }
  } finally {
    Atomics.add(words, TURN, 1);
    Atomics.notify(words, TURN);
  }
  return { type: 'done', id, acquired, contended };
}

port.on('message', (m: LockOrderRun) => {
  let reply: LockOrderReply;
  try {
    reply = run(m);
  } catch (e) {
    reply = { type: 'error', id, message: (e as Error).message };
  }
  port.postMessage(reply);
});
