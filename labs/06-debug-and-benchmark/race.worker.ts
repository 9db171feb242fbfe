/**
 * A bank clerk: runs one worker's transfers (bank.ts) for each 'run' message.
 *
 * seeded: only the worker holding the turn runs. At each scheduling point it
 * draws the next decision from the shared schedule; to hand over it stores
 * the new TURN and notifies, then sleeps until TURN is its own id again. So
 * between two handoffs exactly one thread touches the bank, and the run is a
 * function of the seed: the same as simulate() computes in one thread.
 *
 * jitter: the workers start together at a barrier and run freely; at each
 * scheduling point a seeded PRNG picks a delay (none, a short spin, or a short
 * sleep). The seed fixes the delays, not the OS scheduler, so a replay may
 * interleave differently.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRng, type Rng } from '../../src/core/rng.js';
import { Barrier } from '../../src/sync/barrier.js';
import { ACTIVE, FAILED, MAX_STEPS, STEPS, TURN, bankViews, nextTurn, planTransfers, transfers, type Step } from './bank.js';
import type { RaceReply, RaceRun, RaceWorkerData } from './messages.js';

const data = workerData as RaceWorkerData;
const { id, workers, waitMs } = data;
const { acc, ctl, mutex } = bankViews(data.bank);
const barrier = Barrier.from(data.barrier);
const port = parentPort;
if (!port) throw new Error('race.worker.ts must run as a worker thread');

class GaveUp extends Error {}

/** Sleep until TURN is ours; bounded, and abandoned if another worker gave up. */
function awaitTurn(): void {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const turn = Atomics.load(ctl, TURN);
    if (turn === id) return;
    if (Atomics.load(ctl, FAILED) !== 0) throw new GaveUp('another worker gave up');
    const left = deadline - performance.now();
    if (left <= 0) {
      Atomics.store(ctl, FAILED, 1);
      Atomics.notify(ctl, TURN);
      throw new GaveUp(`no turn within ${waitMs} ms (turn is ${turn})`);
    }
    // Returns at once if TURN changed since the load, so a handoff cannot be missed.
    Atomics.wait(ctl, TURN, turn, left);
  }
}

function handTo(next: number): void {
  Atomics.store(ctl, TURN, next);
  Atomics.notify(ctl, TURN);
}

function runSeeded(m: RaceRun, gen: Generator<Step, number>): number {
  awaitTurn();
  for (;;) {
    const r = gen.next();
    if (r.done) {
      Atomics.and(ctl, ACTIVE, ~(1 << id));
      handTo(nextTurn(ctl, id, workers, m.preempt));
      return r.value;
    }
    if (Atomics.load(ctl, STEPS) > MAX_STEPS) {
      Atomics.store(ctl, FAILED, 1);
      Atomics.notify(ctl, TURN);
      throw new GaveUp(`passed ${MAX_STEPS} scheduling points`);
    }
    const next = nextTurn(ctl, id, workers, m.preempt, r.value === 'blocked');
    if (next !== id) {
      handTo(next);
      awaitTurn();
    }
  }
}

const dummy = new Int32Array(new SharedArrayBuffer(4));

/** The injected delay: decided by the seeded PRNG, carried out by the real clock and scheduler. */
function jitter(rng: Rng): void {
  const x = rng.next();
  if (x < 0.4) return;
  if (x < 0.85) {
    const until = performance.now() + rng.int(1, 30) / 1000;
    while (performance.now() < until);
    return;
  }
  Atomics.wait(dummy, 0, 0, rng.int(20, 200) / 1000);
}

function runJitter(m: RaceRun, gen: Generator<Step, number>): number {
  const rng = createRng(createRng(m.seed).derive(`jitter-${id}`));
  if (!barrier.wait(waitMs).ok) throw new GaveUp(`the other workers did not reach the start within ${waitMs} ms`);
  for (let steps = 0; ; steps++) {
    const r = gen.next();
    if (r.done) return r.value;
    if (steps > MAX_STEPS) throw new GaveUp(`passed ${MAX_STEPS} scheduling points`);
    jitter(rng);
  }
}

port.on('message', (m: RaceRun) => {
  const gen = transfers(acc, planTransfers(m.seed, id, m.transfers), m.program === 'fixed' ? mutex : null);
  let reply: RaceReply;
  try {
    const applied = m.schedule === 'seeded' ? runSeeded(m, gen) : runJitter(m, gen);
    reply = { type: 'done', id, seed: m.seed, applied };
  } catch (e) {
    reply = { type: 'error', id, seed: m.seed, message: (e as Error).message };
  }
  port.postMessage(reply);
});
