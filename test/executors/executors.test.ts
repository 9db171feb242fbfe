/**
 * The executors (src/executors), each kind through the same interface: map
 * keeps input order, asCompleted yields as tasks finish, a task's exception
 * reaches the caller with its stack, a cancelled queued task never runs (a
 * shared counter proves it), aborting a running task spares the others,
 * process.exit() in a task is contained, shutdown() finishes running work and
 * refuses new work, and a process pool retires children after
 * maxTasksPerChild tasks. Also piscina 5.3.2's utilization, measured.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ROOT, isRunning } from '../helpers/run-lab.js';

type Ex = typeof import('../../src/executors/index.js');
type TrackerMod = typeof import('../../src/hosts/tracker.js');
const X = (await import(path.join(ROOT, 'dist/src/executors/index.js'))) as Ex;
const { Tracker } = (await import(path.join(ROOT, 'dist/src/hosts/tracker.js'))) as TrackerMod;
type Executor = import('../../src/executors/executor.js').Executor;
type Kind = import('../../src/executors/executor.js').ExecutorKind;

const TASKS = pathToFileURL(path.join(ROOT, 'test/fixtures/executors/tasks.js'));
const t = (fn: string, ...args: unknown[]) => X.task(TASKS, fn, ...args);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'conc-executors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let tracker = new Tracker();
afterEach(async () => {
  await tracker.cleanup();
  tracker = new Tracker();
});

const POOLS: Kind[] = ['threads', 'processes', 'worker-per-task'];
const make = (kind: Kind, size = 2, extra = {}): Promise<Executor> => X.createExecutor(kind, tracker, { size, ...extra });
let files = 0;
/** A counter the tasks can share: memory for threads and this thread, a file for processes. */
const counter = (ex: Executor, slots: number): { sab?: SharedArrayBuffer; file?: string } =>
  ex.sharesMemory ? { sab: new SharedArrayBuffer(4 * slots) } : { file: path.join(tmp, `c${++files}`) };
const counts = (c: { sab?: SharedArrayBuffer; file?: string }, slots: number): number[] => {
  if (c.sab) return Array.from(new Int32Array(c.sab));
  const n = new Array<number>(slots).fill(0);
  let text = '';
  try {
    text = readFileSync(c.file as string, 'utf8');
  } catch {
    /* nothing ran */
  }
  for (const l of text.split('\n')) if (l) n[Number(l)] = (n[Number(l)] ?? 0) + 1;
  return n;
};

describe.each(X.EXECUTOR_KINDS)('%s', (kind) => {
  it('map keeps input order, asCompleted yields every task with where and when it ran', async () => {
    const ex = await make(kind);
    // The first task is the slowest: in completion order it would come last.
    const ts = [t('later', 0, 250), t('later', 1, 0), t('square', 5), t('later', 3, 5)];
    expect(await ex.map(ts)).toEqual([0, 1, 25, 3]);
    const runs = [];
    for await (const r of ex.asCompleted(ts)) runs.push(r);
    expect(runs.map((r) => r.index).sort()).toEqual([0, 1, 2, 3]);
    // Yielded in the order the results came in.
    const settled = runs.map((r) => r.settled);
    expect(settled).toEqual([...settled].sort((a, b) => a - b));
    if (kind === 'threads' || kind === 'processes') expect(runs[runs.length - 1]?.index).toBe(0);
    for (const r of runs) {
      expect(r.status).toBe('fulfilled');
      expect(r.end).toBeGreaterThanOrEqual(r.start);
      expect(r.settled).toBeGreaterThanOrEqual(r.end - 1);
      expect(r.worker).toMatch(kind === 'processes' ? /^pid \d+$/ : kind === 'sequential' ? /lab thread/ : /^thread \d+$/);
    }
    await ex.shutdown();
  });

  it("carries a task's exception to the caller with its message and a stack naming the task's file", async () => {
    const ex = await make(kind);
    const err = await ex.submit(t('boom', 'no such prime')).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('no such prime');
    expect((err as Error).name).toBe('TypeError');
    expect((err as Error).stack).toMatch(/tasks\.js:\d+/);
    await expect(ex.map([t('square', 2), t('boom', 'second')])).rejects.toThrow('second');
    await ex.shutdown();
  });

  it('never runs a cancelled queued task (a shared counter counts every run)', async () => {
    const ex = await make(kind);
    const c = counter(ex, 8);
    const blockers = Array.from({ length: ex.size }, (_, i) => ex.execute(t('hold', null, i, 50)));
    const ac = new AbortController();
    const queued = [0, 1, 2, 3].map((i) => ex.execute(t('tick', c, i), { signal: ac.signal }));
    ac.abort();
    const out = await Promise.all(queued);
    await Promise.all(blockers);
    // Tasks queued after the cancelled ones run: anything cancelled but still queued would have run before them.
    expect(await ex.map([4, 5].map((i) => t('tick', c, i)))).toEqual([4, 5]);
    expect(out.map((r) => r.error?.name)).toEqual(['AbortError', 'AbortError', 'AbortError', 'AbortError']);
    expect(counts(c, 8).slice(0, 6)).toEqual([0, 0, 0, 0, 1, 1]);
    // Already aborted: refused at once.
    const pre = await ex.execute(t('tick', c, 6), { signal: AbortSignal.abort() });
    expect(pre.error?.name).toBe('AbortError');
    await ex.shutdown();
    expect(counts(c, 8)[6]).toBe(0);
  });

  it('shutdown() lets running work finish, then refuses new work with a clear error', async () => {
    const ex = await make(kind);
    const running = ex.submit(t('hold', null, 7, 60));
    const sd = ex.shutdown();
    await expect(ex.submit(t('square', 3))).rejects.toThrow(/is shut down: it takes no new tasks/);
    expect(await running).toBe(7);
    await sd;
  });
});

describe.each(POOLS)('%s: faults in tasks', (kind) => {
  it('aborting a running task rejects it alone; the others complete', async () => {
    const ex = await make(kind);
    const c = counter(ex, 4);
    const ac = new AbortController();
    const runs = [0, 1, 2, 3].map((i) => ex.execute(t('hold', c, i, 150), i === 0 ? { signal: ac.signal } : {}));
    const t0 = Date.now();
    while (counts(c, 4)[0] === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    const out = await Promise.all(runs);
    expect(out[0]?.error?.name).toBe('AbortError');
    expect(out.slice(1).map((r) => r.value)).toEqual([1, 2, 3]);
    expect(await ex.map([t('square', 4), t('square', 5)])).toEqual([16, 25]);
    await ex.shutdown();
  });

  it('contains process.exit() in a task: the task fails, the pool serves on', async () => {
    const ex = await make(kind);
    const err = await ex.submit(t('exitNow', 9)).catch((e: unknown) => e as Error);
    expect((err as Error).name).toBe('WorkerDiedError');
    expect(await ex.map([1, 2, 3, 4].map((x) => t('square', x)))).toEqual([1, 4, 9, 16]);
    await ex.shutdown();
  });
});

describe('process pool', () => {
  it('retires a child after maxTasksPerChild tasks and leaves no child behind', async () => {
    const ex = (await X.ProcessPoolExecutor.create(tracker, { size: 2, maxTasksPerChild: 2 })) as InstanceType<Ex['ProcessPoolExecutor']>;
    const pids = await ex.map<number>(Array.from({ length: 8 }, () => t('where')));
    const per = new Map<number, number>();
    for (const p of pids) per.set(p, (per.get(p) ?? 0) + 1);
    expect(Math.max(...per.values())).toBeLessThanOrEqual(2);
    expect(per.size).toBeGreaterThanOrEqual(4);
    expect(ex.retired).toBeGreaterThanOrEqual(per.size - 2);
    await ex.shutdown();
    await new Promise((r) => setTimeout(r, 200));
    expect(ex.startedPids.filter(isRunning)).toEqual([]);
  });

  it("sends json-serialised tasks with serialization: 'json'", async () => {
    const ex = await X.ProcessPoolExecutor.create(tracker, { size: 1, serialization: 'json' });
    expect(await ex.map([t('square', 3), t('later', 'x', 1)])).toEqual([9, 'x']);
    await ex.shutdown();
  });
});

describe('thread pool (piscina 5.3.2)', () => {
  it('sets what the lab measures explicitly: minThreads, maxThreads, idleTimeout, atomics', async () => {
    const ex = (await X.ThreadPoolExecutor.create(tracker, { size: 3, minThreads: 1, idleTimeout: 0, atomics: 'disabled' })) as import('../../src/executors/thread-pool.js').ThreadPoolExecutor;
    expect(ex.pool.options).toMatchObject({ minThreads: 1, maxThreads: 3, idleTimeout: 0, atomics: 'disabled' });
    await ex.shutdown();
  });

  it("reads utilization about 1000x too small (it divides the histogram's milliseconds by 1000 again)", async () => {
    const ex = (await X.ThreadPoolExecutor.create(tracker, { size: 2 })) as import('../../src/executors/thread-pool.js').ThreadPoolExecutor;
    const runs: { start: number; end: number }[] = [];
    ex.observe((r: { start: number; end: number }) => runs.push(r));
    await ex.map(Array.from({ length: 6 }, (_, i) => t('hold', null, i, 60)));
    const piscina = ex.pool.utilization;
    // The same quantity, as piscina defines it (mean run time x count / (duration x maxThreads)), in one unit:
    const h = ex.pool.histogram.runTime;
    const ours = (h.mean * ex.pool.completed) / (ex.pool.duration * ex.pool.maxThreads);
    expect(ours).toBeGreaterThan(0.05);
    expect(ours / piscina).toBeGreaterThan(900);
    expect(ours / piscina).toBeLessThan(1100);
    // And the histogram itself is in milliseconds: each task held its thread 60 ms.
    expect(h.p50).toBeGreaterThan(55);
    expect(h.p50).toBeLessThan(1000);
    await ex.shutdown();
  });
});
