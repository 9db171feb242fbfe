/**
 * Lab 7's checks, each run with the fault it guards against and seen to FAIL
 * (not skip): a map in completion order, a wrong primality test, a pool that
 * runs one task at a time, a "pool" that starts a thread per task, an
 * idleTimeout left unset, an executor that swallows exceptions, a pool that
 * runs cancelled tasks, one whose abort kills every child, one that does not
 * replace a dead child, a shutdown that refuses nothing, an asCompleted in
 * input order. The broken executors live in test/fixtures/faults/lab-07.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkNamed, labContext } from '../helpers/context.js';
import { ROOT } from '../helpers/run-lab.js';

const L = (f: string) => path.join(ROOT, 'dist/labs/07-executors-and-pools', f);
const { benchmark } = (await import(L('benchmark.js'))) as typeof import('../../labs/07-executors-and-pools/benchmark.js');
const { poolSizes } = (await import(L('pool-sizes.js'))) as typeof import('../../labs/07-executors-and-pools/pool-sizes.js');
const { taskSizes } = (await import(L('task-sizes.js'))) as typeof import('../../labs/07-executors-and-pools/task-sizes.js');
const { idleTimeout } = (await import(L('idle-timeout.js'))) as typeof import('../../labs/07-executors-and-pools/idle-timeout.js');
const { semantics } = (await import(L('semantics.js'))) as typeof import('../../labs/07-executors-and-pools/semantics.js');
const { timeline } = (await import(L('timeline.js'))) as typeof import('../../labs/07-executors-and-pools/timeline.js');
const X = (await import(path.join(ROOT, 'dist/src/executors/index.js'))) as typeof import('../../src/executors/index.js');
const FAULTS = path.join(ROOT, 'test/fixtures/faults/lab-07');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const F = (await import(path.join(FAULTS, 'faulty-executors.js'))) as Record<string, any>;
const WRONG_PRIMES = pathToFileURL(path.join(FAULTS, 'wrong-primes.js'));

type Ctx = import('../../src/core/lab.js').LabContext<unknown>;
type Executor = import('../../src/executors/executor.js').Executor;
type Kind = import('../../src/executors/executor.js').ExecutorKind;
type Make = (kind: Kind, size: number, extra?: object) => Promise<Executor>;
type Report = import('../../src/core/report.js').Report;

const real = (ctx: Ctx): Make => (kind, size, extra = {}) => X.createExecutor(kind, ctx, { ...extra, size });
/** The real executors, with `kind` wrapped in a broken one. */
const wrapped = (ctx: Ctx, kind: Kind, Wrap: new (e: Executor) => Executor): Make => async (k, size, extra) => {
  const ex = await real(ctx)(k, size, extra);
  return k === kind ? new Wrap(ex) : ex;
};
/** The real executors, with a broken process pool. */
const brokenPool = (ctx: Ctx, Pool: typeof X.ProcessPoolExecutor): Make => (k, size, extra) =>
  k === 'processes' ? Pool.create(ctx, { size }) : real(ctx)(k, size, extra);

/** Slow first, fast second: in completion order the results swap. */
const NUMBERS = [999999999989, 100000000001, 1000000000039, 300000000001, 200000000041, 700000000001];

async function withContext(f: (ctx: Ctx) => Promise<unknown>): Promise<Report> {
  const { ctx, report, done } = await labContext({ repeat: 1 });
  try {
    await f(ctx);
  } finally {
    await done();
  }
  return report;
}
const failed = (r: Report, re: RegExp): void => expect(checkNamed(r, re)).toMatchObject({ ok: false, skipped: false });
const passed = (r: Report, re: RegExp): void => expect(checkNamed(r, re)).toMatchObject({ ok: true, skipped: false });

describe('lab 7 checks fail on the faults they guard against', () => {
  it('the same primes: fails when map returns results in completion order', async () => {
    const ok = await withContext((ctx) => benchmark(ctx, { numbers: NUMBERS, size: 2, make: real(ctx), kinds: ['sequential', 'threads'] }));
    passed(ok, /every executor finds the same primes/);
    const r = await withContext((ctx) => benchmark(ctx, { numbers: NUMBERS, size: 2, make: wrapped(ctx, 'threads', F.CompletionOrderMap), kinds: ['sequential', 'threads'] }));
    failed(r, /every executor finds the same primes/);
  });

  it('Miller-Rabin: fails when the primality test is wrong', async () => {
    const r = await withContext((ctx) => benchmark(ctx, { numbers: NUMBERS, size: 2, make: real(ctx), kinds: ['sequential'], workload: WRONG_PRIMES }));
    failed(r, /agrees with Miller-Rabin/);
  });

  it('tasks at once: fails when a pool of 2 runs one task at a time', { timeout: 60_000 }, async () => {
    const r = await withContext((ctx) =>
      poolSizes(ctx, { numbers: NUMBERS, sizes: [2], cores: 2, make: brokenPool(ctx, F.SerialPool), kinds: ['processes'] }),
    );
    failed(r, /a pool of n runs n tasks at once/);
  });

  it('pooled thread cost: fails when the "pool" starts a thread per task', { timeout: 120_000 }, async () => {
    const r = await withContext((ctx) =>
      taskSizes(ctx, {
        sizes: [10],
        workers: 2,
        trips: 20,
        budgetUs: 2000,
        maxTasks: 100,
        make: (k, size, extra) => (k === 'threads' ? Promise.resolve(new X.WorkerPerTaskExecutor(ctx, { size })) : real(ctx)(k, size, extra)),
      }),
    );
    failed(r, /pooled thread costs/);
  });

  it('idleTimeout: fails when both pools keep their threads', async () => {
    const settings = [
      { label: 'idleTimeout 0 (not set)', idleTimeout: 1000 },
      { label: 'idleTimeout 1 s', idleTimeout: 1000 },
    ];
    const r = await withContext((ctx) => idleTimeout(ctx, { bursts: 3, gapMs: 30, threads: 2, minThreads: 1, taskUs: 500, make: real(ctx), settings }));
    failed(r, /idleTimeout 0 restarts threads/);
  });

  it("exceptions: fails when an executor swallows a task's exception", async () => {
    const r = await withContext((ctx) => semantics(ctx, { size: 2, make: wrapped(ctx, 'threads', F.SwallowsErrors), kinds: ['threads'] }));
    failed(r, /exception reaches the caller/);
  });

  it('cancellation: fails when a process pool runs a cancelled task', async () => {
    const r = await withContext((ctx) => semantics(ctx, { size: 2, make: brokenPool(ctx, F.RunsCancelledPool), kinds: ['processes'] }));
    failed(r, /cancelled queued tasks never ran/);
    expect((r.outputs['cancelled tasks that ran'] as Record<string, number>).processes).toBeGreaterThan(0);
  });

  it('abort one running task: fails when the abort kills every child', async () => {
    const r = await withContext((ctx) => semantics(ctx, { size: 2, make: brokenPool(ctx, F.AbortKillsAllPool), kinds: ['processes'] }));
    failed(r, /aborting a running task loses no other/);
  });

  it('process.exit(): fails when the pool does not replace the dead child', { timeout: 60_000 }, async () => {
    const r = await withContext((ctx) => semantics(ctx, { size: 2, make: brokenPool(ctx, F.NoReplacePool), kinds: ['processes'], stepMs: 7000 }));
    failed(r, /process\.exit\(\) in a task is contained/);
  });

  it('shutdown: fails when shutdown() refuses nothing', async () => {
    const r = await withContext((ctx) => semantics(ctx, { size: 2, make: wrapped(ctx, 'sequential', F.ShutdownIgnored), kinds: ['sequential'] }));
    failed(r, /shutdown\(\) finishes running work, refuses new/);
  });

  it('asCompleted: fails when it yields in input order', async () => {
    const r = await withContext((ctx) => timeline(ctx, { numbers: NUMBERS, size: 2, make: wrapped(ctx, 'threads', F.InputOrderAsCompleted) }));
    failed(r, /asCompleted yields results as they come/);
  });
});
