/**
 * Lab 12's checks, each run with the fault it guards against and seen to
 * FAIL (not skip): a wrong primality test, a batch that drops a request, a
 * thread that loses a transfer, a process whose rows land one row off, a GPU
 * kernel one term short and a GPU job whose kernels run on another backend
 * than the one it names (`results <workload>`); and recommenders that do
 * not follow from the measurements: a fixed answer, significance ignored,
 * the simplest model ignored, data swapped (`recommend <workload>`).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkNamed, labContext } from '../helpers/context.js';
import { ROOT } from '../helpers/run-lab.js';

const L = (f: string): string => path.join(ROOT, 'dist/labs/12-choosing-a-solution', f);
const fault = (f: string): URL => pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-12', f));
const { openPools } = (await import(L('pools.js'))) as typeof import('../../labs/12-choosing-a-solution/pools.js');
const { cpuTasks } = (await import(L('cpu-tasks.js'))) as typeof import('../../labs/12-choosing-a-solution/cpu-tasks.js');
const { ioRequests } = (await import(L('io.js'))) as typeof import('../../labs/12-choosing-a-solution/io.js');
const { sharedState } = (await import(L('shared-state.js'))) as typeof import('../../labs/12-choosing-a-solution/shared-state.js');
const { dataParallel } = (await import(L('data-parallel.js'))) as typeof import('../../labs/12-choosing-a-solution/data-parallel.js');
const { openGpuModel } = (await import(L('gpu.js'))) as typeof import('../../labs/12-choosing-a-solution/gpu.js');
const { recommendations } = (await import(L('recommendations.js'))) as typeof import('../../labs/12-choosing-a-solution/recommendations.js');
const R = (await import(L('recommend.js'))) as typeof import('../../labs/12-choosing-a-solution/recommend.js');

type Ctx = import('../../src/core/lab.js').LabContext<unknown>;
type Report = import('../../src/core/report.js').Report;
type Pools = import('../../labs/12-choosing-a-solution/pools.js').Pools;
type WorkloadResult = import('../../labs/12-choosing-a-solution/workload.js').WorkloadResult;
type Measured = import('../../labs/12-choosing-a-solution/recommend.js').Measured;
type Recommender = import('../../labs/12-choosing-a-solution/recommend.js').Recommender;
type ModelId = import('../../labs/12-choosing-a-solution/models.js').ModelId;

const T = { rounds: 1, warmup: 0 };

/** Run f with a real context and the real pools (two workers each); the report after cleanup. */
async function withPools(f: (ctx: Ctx, pools: Pools) => Promise<unknown>, repeat = 1): Promise<Report> {
  const { ctx, report, done } = await labContext({ repeat });
  try {
    const pools = await openPools(ctx, { size: 2 });
    await f(ctx, pools);
    await pools.close();
  } finally {
    await done();
  }
  return report;
}
const failed = (r: Report, re: RegExp): void => expect(checkNamed(r, re)).toMatchObject({ ok: false, skipped: false });
const passed = (r: Report, re: RegExp): void => expect(checkNamed(r, re)).toMatchObject({ ok: true, skipped: false });

describe('lab 12 results checks fail on wrong answers', () => {
  it('cpu tasks: fails with a primality test that calls every odd number prime', async () => {
    const ok = await withPools((ctx, pools) => cpuTasks(ctx, { workload: 'cpu-small', count: 20, near: 1e6, pools, ...T }));
    passed(ok, /^results cpu-small$/);
    const r = await withPools((ctx, pools) => cpuTasks(ctx, { workload: 'cpu-large', count: 6, near: 1e8, pools, ...T, primes: fault('wrong-primes.js') }));
    failed(r, /^results cpu-large$/);
    expect(checkNamed(r, /^results cpu-large$/).detail).toMatch(/^1 thread: \d+: said true$/);
  });

  it('io: fails when a batch drops its last request', async () => {
    const ok = await withPools((ctx, pools) => ioRequests(ctx, { count: 10, delayMs: 5, pools, ...T }));
    passed(ok, /^results io$/);
    const r = await withPools((ctx, pools) => ioRequests(ctx, { count: 10, delayMs: 5, pools, ...T, client: fault('dropped-request.js') }));
    failed(r, /^results io$/);
  });

  it('shared state: fails when each thread loses one transfer', async () => {
    const ok = await withPools((ctx, pools) => sharedState(ctx, { updates: 20_000, accounts: 16, pools, ...T }));
    passed(ok, /^results shared-state$/);
    const r = await withPools((ctx, pools) => sharedState(ctx, { updates: 20_000, accounts: 16, pools, ...T, transfers: fault('lost-transfer.js') }));
    failed(r, /^results shared-state$/);
    expect(checkNamed(r, /^results shared-state$/).detail).toMatch(/^threads: account \d+/);
  });

  it('data-parallel: fails when a process pool returns its rows one row off', async () => {
    const none = { job: null, why: 'not in this test', label: 'GPU job' };
    const ok = await withPools((ctx, pools) => dataParallel(ctx, { n: 24, pools, gpu: none, ...T }));
    passed(ok, /^results data-parallel$/);
    const r = await withPools((ctx, pools) => dataParallel(ctx, { n: 24, pools, gpu: none, ...T, kernels: fault('shifted-rows.js') }));
    failed(r, /^results data-parallel$/);
    expect(checkNamed(r, /^results data-parallel$/).detail).toMatch(/^processes: off by/);
  });

  it.each([
    ['a GPU kernel one term short', 'off-by-one-matmul.child.js', /^GPU: off by .* > /],
    ['GPU kernels that ran on another backend than the one named', 'run-lie.child.js', /^GPU: ran as CPUKernel, not WebAssemblyKernel$/],
  ])('data-parallel: fails with %s', { timeout: 60_000 }, async (_, child, detail) => {
    const r = await withPools(async (ctx, pools) => {
      const gpu = await openGpuModel(ctx, { requested: 'webasm', child: fault(child) });
      await dataParallel(ctx, { n: 32, pools, gpu, ...T });
      await gpu.job?.close();
    });
    failed(r, /^results data-parallel$/);
    expect(checkNamed(r, /^results data-parallel$/).detail).toMatch(detail);
  });

  it('data-parallel: the real GPU job (webasm) passes, and its label names the backend', { timeout: 60_000 }, async () => {
    let label = '';
    const r = await withPools(async (ctx, pools) => {
      const gpu = await openGpuModel(ctx, { requested: 'webasm' });
      label = (await dataParallel(ctx, { n: 32, pools, gpu, ...T })).labels.gpu ?? '';
      await gpu.job?.close();
    });
    passed(r, /^results data-parallel$/);
    expect(label).toBe('GPU job (webasm)');
    expect(r.gpu).toMatchObject({ ran: 'webasm', software: true });
    expect(r.notes.join(' ')).toMatch(/gpu\.js ran webasm .*: the CPU, no GPU computed here/);
  });
});

// Hand-made results: a clear winner, a tie at the top, too few runs.
const around = (x: number): number[] => [0, 3, 1, 6, 2, 5, 4].map((k) => x * (1 + 0.05 * (k / 6 - 0.5)));
const W = (workload: WorkloadResult['workload'], measured: Measured[]): WorkloadResult => ({ workload, batch: '', measured, notApplicable: [], labels: {}, others: null });
const M = (model: ModelId, samples: number[]): Measured => ({ model, samples });
const HAND: WorkloadResult[] = [
  W('cpu-large', [M('one-thread', around(30)), M('thread-pool', around(10)), M('process-pool', around(14))]),
  W('io', [M('one-thread', [10.05, 10.45, 10.15, 10.95, 10.25, 10.65, 10.35]), M('thread-pool', around(25)), M('process-pool', [10, 10.4, 10.1, 10.9, 10.2, 10.6, 10.3])]),
  W('cpu-small', [M('one-thread', [30, 31, 32]), M('thread-pool', [10, 11, 12]), M('process-pool', [20, 21, 22])]),
];

async function recommendWith(results: readonly WorkloadResult[], recommender?: Recommender): Promise<Report> {
  const { ctx, report, done } = await labContext();
  try {
    recommendations(ctx, results, { alpha: 0.05, ...(recommender ? { recommender } : {}) });
  } finally {
    await done();
  }
  return report;
}

/** Wrong recommenders: each starts from the right one and breaks one rule. */
const WRONG: [string, Recommender, RegExp[]][] = [
  ['always the process pool', (w, m, a) => ({ ...R.recommend(w, m, a), model: 'process-pool' }), [/cpu-large/, /io/, /cpu-small/]],
  ['the fastest median, significant or not', (w, m, a) => {
    const r = R.recommend(w, m, a);
    return { ...r, verdict: 'winner', model: r.winner };
  }, [/io/, /cpu-small/]],
  ['on a tie, the winner instead of the simplest', (w, m, a) => {
    const r = R.recommend(w, m, a);
    return { ...r, model: r.winner };
  }, [/io/, /cpu-small/]],
  ['never a winner', (w, m, a) => {
    const r = R.recommend(w, m, a);
    return { ...r, verdict: 'indistinguishable', model: r.tied[0] as ModelId };
  }, [/cpu-large/]],
  ['the samples of one thread and the thread pool swapped', (w, m, a) =>
    R.recommend(w, m.map((x) => ({ ...x, model: x.model === 'one-thread' ? 'thread-pool' : x.model === 'thread-pool' ? 'one-thread' : x.model })), a),
  [/cpu-large/, /io/, /cpu-small/]],
];

describe('lab 12 recommend checks fail when the recommendation does not follow from the measurements', () => {
  it('the real recommender passes on a clear winner, a tie and too few runs', async () => {
    const r = await recommendWith(HAND);
    for (const w of ['cpu-large', 'io', 'cpu-small']) passed(r, new RegExp(`^recommend ${w}$`));
    expect(r.tables.find((t) => t.title === 'Recommendation')?.rows.map((x) => x.use)).toEqual(['thread pool', 'one thread', 'one thread']);
    expect(r.notes.join(' ')).toMatch(/With 3 runs a model, no difference can reach p <= 0.05 .*Use --repeat 4 or more/);
  });

  it.each(WRONG)('fails with a recommender that gives %s', async (_, wrong, broken) => {
    const r = await recommendWith(HAND, wrong);
    for (const w of ['cpu-large', 'io', 'cpu-small']) {
      const c = checkNamed(r, new RegExp(`^recommend ${w}$`));
      if (broken.some((re) => re.test(w))) expect(c, c.detail).toMatchObject({ ok: false, skipped: false });
      else expect(c, c.detail).toMatchObject({ ok: true });
    }
  });

  it('fails on measured data when the samples of one thread and the process pool are swapped', { timeout: 60_000 }, async () => {
    // Shared state: one thread clearly beats processes that send every update by IPC.
    const swap: Recommender = (w, m, a) =>
      R.recommend(w, m.map((x) => ({ ...x, model: x.model === 'one-thread' ? 'process-pool' : x.model === 'process-pool' ? 'one-thread' : x.model })), a);
    let result: WorkloadResult | null = null;
    const r = await withPools(async (ctx, pools) => {
      result = await sharedState(ctx, { updates: 200_000, accounts: 64, pools, rounds: 6, warmup: 1 });
      recommendations(ctx, [result], { alpha: 0.05, recommender: swap });
    });
    const c = checkNamed(r, /^recommend shared-state$/);
    expect(c, c.detail).toMatchObject({ ok: false, skipped: false });
    // The swapped winner cited is the process pool; the model named is it, or on a tie with the
    // thread pool the simpler threads.
    expect(c.detail).toMatch(/^says (processes|threads), but 1 thread beats processes \(median\)$/);
  });
});
