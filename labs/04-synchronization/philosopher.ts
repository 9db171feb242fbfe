/**
 * One philosopher: think, get hungry, take forks (by the strategy), eat, put
 * them down; `meals` times, or until the stop flag. The pool reuses the thread
 * for every strategy: each 'dine' message is one run on a fresh table.
 * `servePhilosopher(POLICIES)` is the whole of philosopher.worker.ts; the
 * policy table is the seam the lab's fault tests use.
 */
import { parentPort } from 'node:worker_threads';
import { createRng } from '../../src/core/rng.js';
import type { DineReply, DineRequest } from './messages.js';
import type { PolicyTable } from './strategies.js';
import { DiningTable, EV, STATE } from './table.js';

/** How long a philosopher waits for the starting gun: longer than the lab waits for all to sit down (dining.ts, 20 s). */
const START_TIMEOUT_MS = 25_000;

function dine(m: DineRequest, policies: PolicyTable): DineReply {
  const s = new DiningTable(m.buffer, m.n, m.capacity);
  s.rendezvousMs = m.rendezvousMs;
  const i = m.id;
  const rng = createRng(m.seed);
  const policy = policies[m.strategy](s, i, createRng(m.backoffSeed));
  s.attach();
  if (!s.start.wait(START_TIMEOUT_MS)) return { kind: 'dined', id: i, meals: 0, completed: false, error: 'no start signal' };
  s.syncEpoch();
  let meals = 0;
  while (meals < m.meals && !s.stop.isSet()) {
    // Both durations are drawn every round, whatever happens, so the schedule
    // is a function of the seed alone.
    const think = rng.float(m.think[0], m.think[1]);
    const eat = rng.float(m.eat[0], m.eat[1]);
    const reach = rng.float(m.reach[0], m.reach[1]);
    Atomics.store(s.state, i, STATE.THINKING);
    s.log(i, EV.THINK);
    // Sleeping on the stop Event: a stop wakes a thinker at once.
    if (think > 0 && s.stop.wait(think)) break;
    Atomics.store(s.state, i, STATE.HUNGRY);
    s.log(i, EV.HUNGRY);
    if (!policy.acquire(reach)) break;
    if (s.stop.isSet()) {
      // A neighbour leaving the table may have freed the fork we waited for;
      // a stopped table serves no more meals.
      policy.release();
      break;
    }
    Atomics.store(s.state, i, STATE.EATING);
    s.log(i, EV.EAT_START);
    if (eat > 0) s.stop.wait(eat); // a stop shortens the meal; it still counts
    s.log(i, EV.EAT_END);
    Atomics.add(s.meals, i, 1);
    meals++;
    Atomics.store(s.state, i, STATE.THINKING);
    policy.release();
  }
  const completed = meals === m.meals;
  s.log(i, completed ? EV.DONE : EV.STOPPED);
  Atomics.store(s.state, i, STATE.DONE);
  return { kind: 'dined', id: i, meals, completed };
}

/** Answers each DineRequest with a DineReply, taking forks by the given policies. */
export function servePhilosopher(policies: PolicyTable): void {
  parentPort?.on('message', (m: DineRequest) => {
    let reply: DineReply;
    try {
      reply = dine(m, policies);
    } catch (e) {
      reply = { kind: 'dined', id: m.id, meals: 0, completed: false, error: e instanceof Error ? e.message : String(e) };
    }
    parentPort?.postMessage(reply);
  });
}
