/**
 * Lab 3: every check against the fault it guards against. Each test calls one
 * experiment directly (labContext) with the fault injected through its seam (a
 * broken worker or child from test/fixtures/faults/lab-03, a wave counter that
 * lies) and asserts that the check fails, not that it is skipped.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkNamed, labContext } from '../helpers/context.js';
import { ROOT } from '../helpers/run-lab.js';

const LAB = path.join(ROOT, 'dist/labs/03-life-of-a-thread');
const load = async <T>(file: string): Promise<T> => (await import(path.join(LAB, file))) as T;
const { lifecycles } = await load<typeof import('../../labs/03-life-of-a-thread/lifecycles.js')>('lifecycles.js');
const { runUnrefChild, WAIT_MS } = await load<typeof import('../../labs/03-life-of-a-thread/lifecycle.js')>('lifecycle.js');
const { unrefWorker } = await load<typeof import('../../labs/03-life-of-a-thread/unref.js')>('unref.js');
const { osThreads } = await load<typeof import('../../labs/03-life-of-a-thread/threads.js')>('threads.js');
const { poolWaves } = await load<typeof import('../../labs/03-life-of-a-thread/pool.js')>('pool.js');
const { startup } = await load<typeof import('../../labs/03-life-of-a-thread/startup.js')>('startup.js');
const { expectedWaves } = await load<typeof import('../../labs/03-life-of-a-thread/waves.js')>('waves.js');

type Ctx = Awaited<ReturnType<typeof labContext>>['ctx'];
type Report = Awaited<ReturnType<typeof labContext>>['report'];

const fault = (file: string): URL => pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-03', file));
const LIFETIME = 400;

/** Run one experiment with a fresh context; everything it started is gone afterwards. */
async function measure(f: (ctx: Ctx) => Promise<unknown>, o: Parameters<typeof labContext>[0] = {}): Promise<Report> {
  const { ctx, report, done } = await labContext(o);
  try {
    await f(ctx);
  } finally {
    await done();
  }
  return report;
}

const failed = (report: Report, re: RegExp): void => {
  const c = checkNamed(report, re);
  expect(c, `${c.name}: ${c.detail}`).toMatchObject({ ok: false, skipped: false });
};

describe('lab 3, lifecycles: each check fails on its fault', () => {
  it.each([
    ['early-done.worker.js', /legal order/],
    ['wrong-thread-id.worker.js', /threadId/],
    ['exits-2.worker.js', /normal worker/],
    ['swallows-error.worker.js', /thrown error/],
    ['no-work.worker.js', /terminate\(\)/],
    ['no-oom.worker.js', /OOM/],
  ])('%s fails "%s"', async (file, check) => {
    failed(await measure((ctx) => lifecycles(ctx, { lifetime: LIFETIME, worker: fault(file) })), check);
  });

  it('an unref child that never unref()s its worker fails the unref check', async () => {
    const report = await measure(async (ctx) => {
      const unrefd = await runUnrefChild(ctx, "unref'd child", true, LIFETIME, WAIT_MS, fault('no-unref.child.js'));
      await unrefWorker(ctx, { lifetime: LIFETIME, unrefd });
    });
    failed(report, /unref\(\)/);
  });

  it('a control child that exits at once, its worker ref\'d or not, fails the unref check too', async () => {
    const report = await measure(async (ctx) => {
      const unrefd = await runUnrefChild(ctx, "unref'd child", true, LIFETIME, WAIT_MS);
      await unrefWorker(ctx, { lifetime: LIFETIME, unrefd, child: fault('exits-at-once.child.js') });
    });
    failed(report, /unref\(\)/);
  });
});

describe('lab 3, OS threads and start-up: each check fails on its fault', () => {
  it('workers that start a second thread each fail "each worker is one OS thread"', async () => {
    failed(await measure((ctx) => osThreads(ctx, { threads: 2, worker: fault('nested.worker.js') })), /one OS thread/);
  });

  it('a thread that takes 800 ms to start fails "a thread starts faster than a process"', async () => {
    failed(await measure((ctx) => startup(ctx, { warmup: 0, repeat: 3, worker: fault('slow-start.worker.js') })), /starts faster/);
  });
});

describe('lab 3, libuv pool waves: exact for every pool size, and each fault fails', () => {
  const pool = { tasks: 8, hold: 30, rounds: 1 };
  const waveChecks = (report: Report) => report.checks.filter((c) => c.name.startsWith('pool of'));

  it('a right pool passes for sizes the default run does not try (3, 5, 16)', async () => {
    const report = await measure((ctx) => poolWaves(ctx, { ...pool, poolSizes: [3, 5, 16] }));
    expect(waveChecks(report).map((c) => [c.name, c.ok, c.detail])).toEqual([
      ['pool of 3: ceil(8/3) = 3 waves', true, '3+3+2, 3 held at once'],
      ['pool of 5: ceil(8/5) = 2 waves', true, '5+3, 5 held at once'],
      ['pool of 16: ceil(8/16) = 1 wave', true, '8, 8 held at once'],
    ]);
  });

  it('a pool that runs one call at a time fails every size but 1', async () => {
    const report = await measure((ctx) => poolWaves(ctx, { ...pool, poolSizes: [1, 2, 8], child: fault('serial-pool.child.js') }));
    expect(waveChecks(report).map((c) => [c.ok, c.skipped])).toEqual([
      [true, false],
      [false, false],
      [false, false],
    ]);
  });

  it('a wave count forced to ceil(k/n) does not hide a pool that runs one call at a time', async () => {
    const forced = () => expectedWaves(8, 2);
    const report = await measure((ctx) => poolWaves(ctx, { ...pool, poolSizes: [2], child: fault('serial-pool.child.js'), count: forced }));
    const c = checkNamed(report, /pool of 2/);
    expect(c).toMatchObject({ ok: false, skipped: false, detail: '2+2+2+2, 1 held at once' });
  });

  it('a pool size that never reaches libuv (its default of 4 runs) fails every size but 4', async () => {
    const report = await measure((ctx) => poolWaves(ctx, { ...pool, poolSizes: [2, 4, 8], child: fault('default-pool.child.js') }));
    expect(waveChecks(report).map((c) => c.ok)).toEqual([false, true, false]);
  });

  it('a child that runs another pool size than asked, and says so, fails', async () => {
    const report = await measure((ctx) => poolWaves(ctx, { ...pool, poolSizes: [2], child: fault('wrong-size.child.js') }));
    expect(checkNamed(report, /pool of 2/)).toMatchObject({ ok: false, skipped: false, detail: "the child's pool had 3 threads" });
  });

  it('stopped while its children wait on their FIFOs, it leaves no child and no FIFO', async () => {
    const tmp = process.env.TMPDIR;
    const dir = mkdtempSync(path.join(tmpdir(), 'conc-lab3-abort-'));
    process.env.TMPDIR = dir; // where the experiment makes its FIFOs
    const children = (): number[] =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(process.pid) &&
              readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('gate.child.js');
          } catch {
            return false;
          }
        })
        .map(Number);
    const ac = new AbortController();
    const { ctx, done } = await labContext({ signal: ac.signal });
    try {
      const run = poolWaves(ctx, { tasks: 40, hold: 100, rounds: 1, poolSizes: [1, 2] });
      run.catch(() => {});
      const t0 = Date.now();
      while (children().length < 2 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
      expect(children()).toHaveLength(2);
      expect(readdirSync(dir)).toHaveLength(1);
      ac.abort(new Error('stopped by the test'));
      await expect(run).rejects.toThrow(/stopped by the test/);
    } finally {
      await done();
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(children()).toEqual([]);
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    expect(left).toEqual([]);
  });
});
