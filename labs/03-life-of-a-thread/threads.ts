/**
 * Experiment: the kernel's view. A worker thread is an OS thread of this
 * process. Linux lists a process's threads under /proc/self/task, one
 * directory each; we count them as workers start and stop, and check that
 * each worker adds exactly one.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import { WAIT_MS, WORKER_URL } from './lifecycle.js';
import type { LifecycleData } from './messages.js';
import { threadTable } from './tables.js';

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

function threadCount(): number {
  return readdirSync(TASK_DIR).length;
}

export interface OsThreadsOptions {
  /** Workers started, then stopped. */
  threads: number;
  /** The lifecycle worker (it idles in mode 'idle'): the seam for the fault test. */
  worker?: URL;
}

export async function osThreads(ctx: LabContext<unknown>, o: OsThreadsOptions): Promise<void> {
  const name = 'each worker is one OS thread';
  if (!hasProcTasks()) {
    ctx.note(`${TASK_DIR} is absent on this system: the OS thread count cannot be read.`);
    ctx.skip(name, `no ${TASK_DIR} on ${process.platform}`);
    return;
  }
  const steps = await countThreads(ctx, o.threads, WAIT_MS, o.worker ?? WORKER_URL);
  const base = steps[0]?.threads ?? NaN;
  // Thread counts are whole numbers: a bar per step prints each count exactly (a
  // line chart's y-axis would put fractional thread counts on its ticks).
  ctx.chart({
    type: 'bar',
    title: `OS threads of the lab process as ${o.threads} workers start, then stop (${base} before)`,
    unit: 'threads',
    bars: steps.map((s) => ({ label: `${s.stage} (${s.live} live)`, value: s.threads })),
  });
  ctx.table(threadTable(steps, o.threads));
  const off = steps.find((s) => s.threads - base !== s.live);
  ctx.check(
    name,
    !off,
    off
      ? `${off.stage}: ${off.threads - base} more for ${off.live} worker${off.live === 1 ? '' : 's'}`
      : `threads = ${base} + workers, all ${steps.length} steps`,
  );
}

/** Start k idle workers one by one, then stop them one by one, counting OS threads after each step. */
export async function countThreads(ctx: LabContext<unknown>, k: number, timeoutMs: number, worker: URL): Promise<ThreadStep[]> {
  // The workers idle on a timer far longer than this part lasts; we terminate them.
  const data: LifecycleData = { mode: 'idle', workMs: 10 * 60_000 };
  const steps: ThreadStep[] = [{ stage: 'before', live: 0, threads: threadCount() }];
  const workers: Worker[] = [];
  for (let i = 1; i <= k; i++) {
    ctx.progress(`OS threads: starting worker ${i} of ${k}`);
    const w = ctx.worker(worker, { workerData: data });
    workers.push(w);
    // Its hello means its thread exists and runs JavaScript.
    await ctx.nextMessage(w, timeoutMs, `worker ${i}'s hello`);
    steps.push({ stage: `after start ${i}`, live: i, threads: threadCount() });
  }
  for (let i = workers.length - 1; i >= 0; i--) {
    // terminate() resolves once the thread has been joined, so the count is settled.
    await ctx.withTimeout((workers[i] as Worker).terminate(), timeoutMs, `terminating worker ${i + 1}`);
    steps.push({ stage: `after stop ${workers.length - i}`, live: i, threads: threadCount() });
  }
  return steps;
}
