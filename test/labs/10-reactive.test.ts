/**
 * Lab 10: the lab in --quick form, its determinism, bad input, and a fault
 * test for every check: each experiment run with the fault it guards
 * against, and the check must fail, not skip.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNamed, labContext } from '../helpers/context.js';
import { ROOT, runCli, runLab } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';

type Report = import('../../src/core/report.js').Report;
const dist = (p: string): string => path.join(ROOT, 'dist/labs/10-reactive', p);
const fault = (p: string): string => path.join(ROOT, 'test/fixtures/faults/lab-10', p);

const { coldHot } = (await import(dist('cold-hot.js'))) as typeof import('../../labs/10-reactive/cold-hot.js');
const { pipeline } = (await import(dist('pipeline.js'))) as typeof import('../../labs/10-reactive/pipeline.js');
const { mergeAndRetry } = (await import(dist('merge-retry.js'))) as typeof import('../../labs/10-reactive/merge-retry.js');
const { marbleDiagrams } = (await import(dist('diagrams.js'))) as typeof import('../../labs/10-reactive/diagrams.js');
const { aggregates } = (await import(dist('aggregates.js'))) as typeof import('../../labs/10-reactive/aggregates.js');
const { schedulers } = (await import(dist('schedulers.js'))) as typeof import('../../labs/10-reactive/schedulers.js');
const { backpressure } = (await import(dist('backpressure.js'))) as typeof import('../../labs/10-reactive/backpressure.js');

/** Run one experiment in a fresh context; returns the report. */
async function withContext(f: (ctx: import('../../src/core/lab.js').LabContext<unknown>) => Promise<unknown>): Promise<Report> {
  const { ctx, report, done } = await labContext();
  try {
    await f(ctx);
  } finally {
    await done();
  }
  return report;
}

describe('reactive: the lab', () => {
  let quick: Report | undefined;

  it('runs in --quick form: every check holds', async () => {
    const r = await runLab(10, ['--quick']);
    quick = r;
    expect(schemaErrors(r)).toEqual([]);
    expect(r.error).toBeUndefined();
    for (const c of r.checks) expect(c.ok, `${c.name}: ${c.detail ?? c.reason ?? ''}`).toBe(true);
    expect(r.checks).toHaveLength(7);
    expect(r.outputs['aggregate.rxjs']).toEqual(r.outputs['aggregate.emitter']);
    expect(r.outputs['aggregate.rxjs']).toEqual(r.outputs['aggregate.iterator']);
    expect(r.outputs['schedulers.order']).toEqual([
      'queueScheduler',
      'end of callback',
      'nextTick',
      'promise (before)',
      'asapScheduler',
      'promise (after)',
      'setImmediate',
      'setTimeout(0)',
      'asyncScheduler',
    ]);
    expect(r.outputs['schedulers.animationFrame']).toBe('ReferenceError');
    const marbles = r.outputs.marbles as Record<string, string>;
    expect(Object.keys(marbles).length).toBeGreaterThanOrEqual(2);
    expect(marbles['hot, late']).toMatch(/^-+[a-z]/);
    expect(r.outputs['backpressure.emitted']).toBe(200);
    for (const impl of ['rxjs', 'emitter', 'iterator']) expect(r.metrics.some((m) => m.name === 'aggregate throughput' && m.variant.impl === impl)).toBe(true);
  });

  it('prints nothing wider than an 80-column terminal, and each check on one line of it', async () => {
    const r = quick ?? (await runLab(10, ['--quick']));
    const { renderText } = (await import(path.join(ROOT, 'dist/src/render/text.js'))) as typeof import('../../src/render/text.js');
    const { makeStyle } = (await import(path.join(ROOT, 'dist/src/render/style.js'))) as typeof import('../../src/render/style.js');
    const { displayWidth } = (await import(path.join(ROOT, 'dist/src/render/format.js'))) as typeof import('../../src/render/format.js');
    for (const l of renderText(r, makeStyle(false, 80)).split('\n')) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    // Without a terminal (a CI log) nothing wraps: the lab keeps its check lines short itself.
    for (const c of r.checks) {
      const line = `  ✓ ${c.name}${c.skipped ? ` (skipped: ${c.reason})` : ` — ${c.detail}`}`;
      expect(displayWidth(line), line).toBeLessThanOrEqual(80);
    }
  });

  it('every marble in outputs reads back with parseMarbles (run mode) to what the diagram shows', async () => {
    const r = quick ?? (await runLab(10, ['--quick']));
    const { TestScheduler } = await import('rxjs/testing');
    const marbles = r.outputs.marbles as Record<string, string>;
    const values = r.outputs.marbleValues as Record<string, Record<string, unknown>>;
    new TestScheduler(() => {}).run(() => {
      for (const [name, m] of Object.entries(marbles)) {
        const msgs = TestScheduler.parseMarbles(m, values[name], undefined, false, true);
        expect(msgs.length, name).toBeGreaterThan(0);
        expect(msgs.at(-1)?.notification.kind, name).toBe('C');
      }
    });
  });

  it('the same seed gives the same outputs; another seed, other readings', async () => {
    const a = quick ?? (await runLab(10, ['--quick']));
    const b = await runLab(10, ['--quick']);
    expect(b.outputs).toEqual(a.outputs);
    const c = await runLab(10, ['--quick', '--seed', '7']);
    expect(c.outputs.marbleValues).not.toEqual(a.outputs.marbleValues);
    expect(c.outputs['aggregate.rxjs']).not.toEqual(a.outputs['aggregate.rxjs']);
  });

  it('bad values exit 2 with one clear line', async () => {
    for (const [args, re] of [
      [['--rate', 'abc'], /^conc: --rate must be an integer from 1 to 100000, got "abc"$/],
      [['--rate', '0'], /^conc: --rate must be an integer from 1 to 100000, got "0"$/],
      [['--concurrency', '0'], /^conc: --concurrency must be an integer/],
    ] as const) {
      const r = await runCli(['lab', '10', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(re);
    }
  });

  it('--timeout 1 exits 3 and Ctrl-C 130', async () => {
    const t = await runCli(['lab', '10', '--duration', '20s', '--timeout', '1'], { timeoutMs: 20_000 });
    expect(t.code, t.stderr).toBe(3);
    expect(t.ms).toBeLessThan(4500);
    let pid = 0;
    const p = runCli(['lab', '10', '--duration', '20s'], { onSpawn: (x) => (pid = x), timeoutMs: 20_000 });
    await new Promise((res) => setTimeout(res, 1500));
    process.kill(pid, 'SIGINT');
    expect((await p).code).toBe(130);
  });
});

describe('reactive: each check fails on the fault it guards against', () => {
  it('cold/hot fails when the hot stream forgets share()', async () => {
    const { noShare } = (await import(fault('unshared.js'))) as { noShare: <T>(x: T) => T };
    const report = await withContext((ctx) => coldHot(ctx, { readings: 6, makeHot: noShare as never }));
    expect(checkNamed(report, /hot shares/)).toMatchObject({ ok: false, skipped: false });
  });

  it('the mergeMap check fails with one job too many at once; retry fails with too few tries', async () => {
    const { overLimit } = (await import(fault('over-limit-merge.js'))) as { overLimit: never };
    let report = await withContext((ctx) => mergeAndRetry(ctx, { jobs: 8, concurrency: 3, limited: overLimit }));
    expect(checkNamed(report, /mergeMap keeps to its limit/)).toMatchObject({ ok: false, skipped: false });
    expect(report.outputs.mergeMap).toMatchObject({ maxInFlight: 4 });
    report = await withContext((ctx) => mergeAndRetry(ctx, { jobs: 8, concurrency: 3, retries: 1 }));
    expect(checkNamed(report, /retry resubscribes/)).toMatchObject({ ok: false, skipped: false });
  });

  it('the marble round trip fails with a printer one frame off', async () => {
    const { shiftedPrinter } = (await import(fault('shifted-printer.js'))) as { shiftedPrinter: never };
    const report = await withContext(async (ctx) => {
      const groups = await pipeline(ctx, { readings: 6, window: 3 });
      await marbleDiagrams(ctx, groups, { printer: shiftedPrinter });
    });
    const c = checkNamed(report, /marble diagrams read back/);
    expect(c).toMatchObject({ ok: false, skipped: false });
    expect(c.detail).toMatch(/read back/);
  });

  it('the three-ways check fails when one implementation is off by one', async () => {
    const { offByOne } = (await import(fault('off-by-one-aggregate.js'))) as { offByOne: never };
    const report = await withContext((ctx) => aggregates(ctx, { events: 2000, window: 3, implementations: { iterator: offByOne } }));
    const c = checkNamed(report, /async iterators agree/);
    expect(c).toMatchObject({ ok: false, skipped: false });
    expect(c.detail).toMatch(/iterator differ/);
  });

  it('the scheduler check fails when a timer poses as the asap scheduler', async () => {
    const { wrongAsap } = (await import(fault('wrong-asap.js'))) as { wrongAsap: (rx: unknown) => never };
    const rx = await import('rxjs');
    const report = await withContext((ctx) => schedulers(ctx, { runs: 2, schedulers: wrongAsap(rx) }));
    expect(checkNamed(report, /asap a microtask/)).toMatchObject({ ok: false, skipped: false });
  });

  it('the backpressure check fails with a strategy that loses an event uncounted (10 of 10 runs)', async () => {
    const { leakyStrategies } = (await import(fault('leaky-latest.js'))) as { leakyStrategies: never };
    let failed = 0;
    for (let i = 0; i < 10; i++) {
      const report = await withContext((ctx) => backpressure(ctx, { rate: 2000, pace: 500, durationMs: 50, strategies: leakyStrategies }));
      const c = checkNamed(report, /delivered \+ dropped = emitted/);
      expect(c.skipped).toBe(false);
      if (!c.ok) failed++;
    }
    expect(failed).toBe(10);
  });
});
