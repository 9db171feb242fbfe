/**
 * Does an executor run n tasks at the same time? n tasks that wait for each
 * other (semantics.tasks.ts meet) all meet only if they ran at once; a pool
 * that runs fewer at a time leaves the first ones waiting until they give up.
 */
import path from 'node:path';
import { task, type Executor } from '../../src/executors/index.js';
import { SEMANTICS_TASKS_URL, newCounter } from './semantics.tasks.js';

/** How long a task waits for the others, ms: far beyond a worker's start on a loaded machine. */
export const MEET_MS = 5000;

let probes = 0;

/** Run n meeting tasks; true when every one saw all n. `dir` holds the counter file where memory is not shared. */
export async function allMeet(ex: Executor, n: number, dir: string): Promise<boolean> {
  const c = newCounter(ex.sharesMemory, n, path.join(dir, `meet-${process.pid}-${++probes}`));
  const met = await ex.map<boolean>(Array.from({ length: n }, (_, i) => task(SEMANTICS_TASKS_URL, 'meet', c, i, n, MEET_MS)));
  return met.every((m) => m === true);
}
