/**
 * A bank clerk: runs one worker's transfers (bank.ts) for each 'run' message.
 * `serveClerk(BANK)` is the whole of race.worker.ts; the bank's code is
 * passed in so that the lab's fault tests can put a bug back into it (the
 * fixed transfer without its lock, a scheduler that lies) and see the checks
 * fail. The model the lab compares with (model.ts) never runs this code.
 *
 * seeded: only the worker holding the turn runs. At each scheduling point it
 * draws the next decision from the shared schedule; to hand over it stores
 * the new TURN and notifies, then sleeps until TURN is its own id again. So
 * between two handoffs exactly one thread touches the bank, and the run is a
 * function of the seed: what model.ts computes in one thread.
 *
 * jitter: the workers start together at a barrier and run freely; at each
 * scheduling point a seeded PRNG picks a delay (none, a short spin, or a short
 * sleep). The seed fixes the delays, not the OS scheduler, so a replay may
 * interleave differently.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRng, type Rng } from '../../src/core/rng.js';
import { Barrier } from '../../src/sync/barrier.js';
import type { Mutex } from '../../src/sync/mutex.js';
import { ACTIVE, FAILED, MAX_STEPS, STEPS, TURN, bankViews, nextTurn, planTransfers, transfers, type Step, type Transfer } from './bank.js';
import type { RaceProgram, RaceReply, RaceRun, RaceWorkerData } from './messages.js';

/** The bank's code a clerk runs: the program for a run, and the seeded scheduler's decision. */
export interface ClerkBank {
  program(name: RaceProgram, acc: Int32Array, list: readonly Transfer[], mutex: Mutex): Generator<Step, number>;
  nextTurn: typeof nextTurn;
}

export const BANK: ClerkBank = {
  // The fixed program holds the mutex around its check-and-act; the buggy one takes no lock.
  program: (name, acc, list, mutex) => transfers(acc, list, name === 'fixed' ? mutex : null),
  nextTurn,
};

export function serveClerk(bank: ClerkBank): void {
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
        handTo(bank.nextTurn(ctl, id, workers, m.preempt));
        return r.value;
      }
      if (Atomics.load(ctl, STEPS) > MAX_STEPS) {
        Atomics.store(ctl, FAILED, 1);
        Atomics.notify(ctl, TURN);
        throw new GaveUp(`passed ${MAX_STEPS} scheduling points`);
      }
      const next = bank.nextTurn(ctl, id, workers, m.preempt, r.value === 'blocked');
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
    const gen = bank.program(m.program, acc, planTransfers(m.seed, id, m.transfers), mutex);
    let reply: RaceReply;
    try {
      const applied = m.schedule === 'seeded' ? runSeeded(m, gen) : runJitter(m, gen);
      reply = { type: 'done', id, seed: m.seed, applied };
    } catch (e) {
      reply = { type: 'error', id, seed: m.seed, message: (e as Error).message };
    }
    port.postMessage(reply);
  });
}
