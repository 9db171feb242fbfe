/**
 * The kernel's view: a worker thread is an OS thread of this process. Linux
 * lists a process's threads under /proc/self/task, one directory each; we
 * count them as workers start and stop.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import { WORKER_URL } from './lifecycle.js';
import type { LifecycleData } from './messages.js';

const TASK_DIR = '/proc/self/task';

export interface ThreadStep {
  stage: string;
  /** Workers alive at this point. */
  live: number;
  /** OS threads of this process at this point. */
  threads: number;
}

export function hasProcTasks(): boolean {
  return existsSync(TASK_DIR);
}

function osThreads(): number {
  return readdirSync(TASK_DIR).length;
}

/** Start k idle workers one by one, then stop them one by one, counting OS threads after each step. */
export async function countThreads(ctx: LabContext<unknown>, k: number, timeoutMs: number): Promise<ThreadStep[]> {
  // The workers idle on a timer far longer than this part lasts; we terminate them.
  const data: LifecycleData = { mode: 'idle', workMs: 10 * 60_000 };
  const steps: ThreadStep[] = [{ stage: 'before', live: 0, threads: osThreads() }];
  const workers: Worker[] = [];
  for (let i = 1; i <= k; i++) {
    ctx.progress(`OS threads: starting worker ${i} of ${k}`);
    const w = ctx.worker(WORKER_URL, { workerData: data });
    workers.push(w);
    // Its hello means its thread exists and runs JavaScript.
    await ctx.nextMessage(w, timeoutMs, `worker ${i}'s hello`);
    steps.push({ stage: `after start ${i}`, live: i, threads: osThreads() });
  }
  for (let i = workers.length - 1; i >= 0; i--) {
    // terminate() resolves once the thread has been joined, so the count is settled.
    await ctx.withTimeout((workers[i] as Worker).terminate(), timeoutMs, `terminating worker ${i + 1}`);
    steps.push({ stage: `after stop ${workers.length - i}`, live: i, threads: osThreads() });
  }
  return steps;
}
