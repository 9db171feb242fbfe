/**
 * k tasks (worker threads or child processes) that share a workload, one
 * contiguous share each. A crew is either pooled (started once before a
 * variant's timed runs and stopped after them, so a run times the work and
 * the messages) or fresh (started and joined inside every run, as the book
 * does, so a run also pays for k start-ups).
 */
import type { ChildProcess } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import { msSince } from '../../src/measure/sample.js';
import { isReady, isResult, type Job, type ResultMessage, type ToTask } from './messages.js';
import { addHash } from './checksum.js';
import type { Approach, Variant, VariantRun } from './variants.js';

export type Vehicle = 'thread' | 'process';
type Task = Worker | ChildProcess;

const TASK_URL = new URL('./task.worker.js', import.meta.url);
const START_MS = 15_000;
const EXIT_MS = 5_000;

function startTask(ctx: LabContext<unknown>, vehicle: Vehicle, task: URL): Task {
  if (vehicle === 'thread') return ctx.worker(task);
  // execArgv [] so that a child starts as plain `node task.worker.js` whatever
  // flags the lab's own process was given (a test runner's loaders, say).
  return ctx.fork(task, [], {
    serialization: 'advanced',
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function post(t: Task, m: ToTask): void {
  if ('postMessage' in t) t.postMessage(m);
  else if (t.connected) t.send(m);
}

export class Crew {
  private constructor(
    private readonly ctx: LabContext<unknown>,
    readonly vehicle: Vehicle,
    private readonly tasks: Task[],
  ) {}

  /**
   * Start k tasks at once; resolves when each has sent its first message.
   * `task` is the task file (tests pass a broken one; see test/fixtures/faults/lab-01).
   */
  static async start(ctx: LabContext<unknown>, vehicle: Vehicle, k: number, task = TASK_URL): Promise<Crew> {
    const tasks = Array.from({ length: k }, () => startTask(ctx, vehicle, task));
    await Promise.all(
      tasks.map((t, i) => ctx.nextMessage(t, START_MS, `${vehicle} ${i + 1} to start`, isReady)),
    );
    return new Crew(ctx, vehicle, tasks);
  }

  /** One job per task, all at once; the sum of their checksums and the CPU the children report. */
  async run(jobs: readonly Job[], timeoutMs: number, cpu: 'job' | 'lifetime'): Promise<VariantRun> {
    if (jobs.length !== this.tasks.length) throw new Error(`${jobs.length} jobs for ${this.tasks.length} tasks`);
    const results = await Promise.all(
      this.tasks.map((t, i) => {
        const what = `${this.vehicle} ${i + 1} to finish its share`;
        const answer = this.ctx.nextMessage<ResultMessage>(t, timeoutMs, what, isResult);
        post(t, { type: 'job', job: jobs[i] as Job });
        return answer;
      }),
    );
    // A thread's CPU is already in this process's cpuUsage; a child's is not.
    const own = (r: ResultMessage): number => (cpu === 'job' ? r.jobCpuMs : r.processCpuMs);
    return {
      checksum: results.reduce((s, r) => addHash(s, r.checksum), 0),
      childCpuMs: this.vehicle === 'process' ? results.reduce((s, r) => s + own(r), 0) : 0,
    };
  }

  /** Ask every task to leave, and join it. */
  async stop(): Promise<void> {
    await Promise.all(
      this.tasks.map((t, i) => {
        post(t, { type: 'quit' });
        return this.ctx.waitForExit(t, EXIT_MS, `${this.vehicle} ${i + 1} to exit`);
      }),
    );
  }
}

/** [lo, hi) bounds of k contiguous shares of n items, as even as integers allow. */
export const shares = (n: number, k: number): [number, number][] =>
  Array.from({ length: k }, (_, i) => [Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)]);

export interface CrewVariantOptions {
  approach: Extract<Approach, 'threads' | 'processes'>;
  k: number;
  /** Start and join the tasks in every run (start-up timed) rather than once per variant. */
  fresh: boolean;
  /** The k shares of a run, one per task. */
  jobs: () => Job[];
  /** Bound on one share. */
  timeoutMs: number;
  /** The task file; tests pass a broken one. */
  task?: URL;
}

/** The threads or processes variant of a workload, pooled or fresh. */
export function crewVariant(ctx: LabContext<unknown>, o: CrewVariantOptions): Variant {
  const { approach, k, jobs, timeoutMs, task = TASK_URL } = o;
  const vehicle: Vehicle = approach === 'threads' ? 'thread' : 'process';
  if (o.fresh) {
    return {
      approach,
      k,
      run: async () => {
        const crew = await Crew.start(ctx, vehicle, k, task);
        const r = await crew.run(jobs(), timeoutMs, 'lifetime');
        await crew.stop();
        return r;
      },
    };
  }
  let crew: Crew | undefined;
  return {
    approach,
    k,
    open: async () => {
      crew = await Crew.start(ctx, vehicle, k, task);
    },
    run: () => (crew as Crew).run(jobs(), timeoutMs, 'job'),
    close: async () => {
      await crew?.stop();
      crew = undefined;
    },
  };
}

/** Time from creating one task to its first message, ms (the task is then stopped and joined). */
export async function startupMs(ctx: LabContext<unknown>, vehicle: Vehicle, task = TASK_URL): Promise<number> {
  const t0 = process.hrtime.bigint();
  const crew = await Crew.start(ctx, vehicle, 1, task);
  const ms = msSince(t0);
  await crew.stop();
  return ms;
}
