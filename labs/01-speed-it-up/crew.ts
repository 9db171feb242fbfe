/**
 * k tasks (threads or processes) that share a workload. Each measured run
 * starts its own crew and joins it (waits for every task to exit), as the
 * book's examples do: start-up and teardown are part of what a run costs.
 */
import type { ChildProcess } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import { nextMessage, waitForExit } from '../../src/hosts/wait.js';
import { msSince } from '../../src/measure/sample.js';
import { isReady, isResult, type Job, type ResultMessage, type ToTask } from './messages.js';
import { addHash } from './checksum.js';

export type Vehicle = 'thread' | 'process';
type Task = Worker | ChildProcess;

const TASK_URL = new URL('./task.worker.js', import.meta.url);
const EXIT_MS = 5000;

export function startTask(ctx: LabContext<unknown>, vehicle: Vehicle): Task {
  if (vehicle === 'thread') return ctx.worker(TASK_URL);
  // execArgv [] so that a child starts as plain `node task.worker.js` whatever
  // flags the lab's own process was given (a test runner's loaders, say).
  return ctx.fork(TASK_URL, [], {
    serialization: 'advanced',
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function post(t: Task, m: ToTask): void {
  if ('postMessage' in t) t.postMessage(m);
  else if (t.connected) t.send(m);
}

async function quitAndJoin(t: Task, what: string): Promise<void> {
  post(t, { type: 'quit' });
  await waitForExit(t, EXIT_MS, `${what} to exit`);
}

export interface CrewResult {
  checksum: number;
  /** CPU the child processes report for themselves (0 for threads, which process.cpuUsage already counts). */
  childCpuMs: number;
}

/** Run one job per task, all at once; resolves when every task has answered and exited. */
export async function runCrew(
  ctx: LabContext<unknown>,
  vehicle: Vehicle,
  jobs: readonly Job[],
  timeoutMs: number,
): Promise<CrewResult> {
  const results = await Promise.all(
    jobs.map(async (job, i): Promise<ResultMessage> => {
      const what = `${vehicle} ${i + 1}/${jobs.length}`;
      const t = startTask(ctx, vehicle);
      const answer = nextMessage<ResultMessage>(t, timeoutMs, `${what} to finish its share`, isResult, ctx.signal);
      // Posted at once: a new thread or child queues it until it listens.
      post(t, { type: 'job', job });
      const r = await answer;
      await quitAndJoin(t, what);
      return r;
    }),
  );
  return {
    checksum: results.reduce((s, r) => addHash(s, r.checksum), 0),
    childCpuMs: vehicle === 'process' ? results.reduce((s, r) => s + r.processCpuMs, 0) : 0,
  };
}

/** Time from creating one task to its first message, ms. */
export async function startupMs(ctx: LabContext<unknown>, vehicle: Vehicle): Promise<number> {
  const t0 = process.hrtime.bigint();
  const t = startTask(ctx, vehicle);
  await nextMessage(t, 10_000, `a ${vehicle} to start`, isReady, ctx.signal);
  const ms = msSince(t0);
  await quitAndJoin(t, `a ${vehicle}`);
  return ms;
}
