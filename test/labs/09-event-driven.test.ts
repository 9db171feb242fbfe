/**
 * Lab 9: the rules on traces (pure), the lab in --quick form, and a fault
 * test for every check: each is run with the fault it guards against and
 * must fail, not skip.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guaranteed, modalOrder, ruleViolations, RULES, samePlaceCounts } from '../../labs/09-event-driven/order-rules.js';
import { checkNamed, labContext } from '../helpers/context.js';
import { survivors, watchTree } from '../helpers/proc.js';
import { isRunning, ROOT, runCli, runLab } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';

type Report = import('../../src/core/report.js').Report;
type Label = import('../../labs/09-event-driven/schedule.cjs').Label;
const dist = (p: string): string => path.join(ROOT, 'dist/labs/09-event-driven', p);
const fault = (p: string): string => path.join(ROOT, 'test/fixtures/faults/lab-09', p);

const { loopOrder } = (await import(dist('order.js'))) as typeof import('../../labs/09-event-driven/order.js');
const { topLevelOrder } = (await import(dist('top-level.js'))) as typeof import('../../labs/09-event-driven/top-level.js');
const { loopLag } = (await import(dist('loop-lag.js'))) as typeof import('../../labs/09-event-driven/loop-lag.js');
const { fanout } = (await import(dist('fanout.js'))) as typeof import('../../labs/09-event-driven/fanout.js');
const { asyncioCalls } = (await import(dist('calls.js'))) as typeof import('../../labs/09-event-driven/calls.js');
const { startDelayServer } = (await import(path.join(ROOT, 'dist/src/workloads/delay-server.js'))) as typeof import('../../src/workloads/delay-server.js');

const IO: Label[] = ['nextTick', 'promise', 'queueMicrotask', 'setImmediate', 'close', 'setTimeout'];
const MICRO: Label[] = ['promise', 'queueMicrotask', 'nextTick', 'setImmediate', 'close', 'setTimeout'];

/** Processes still running this worktree's lab 9 files (the children). */
function labProcesses(): number[] {
  const mine = path.join(ROOT, 'dist/labs/09-event-driven');
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(mine) && isRunning(Number(d))) pids.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return pids;
}

describe('event-driven: the rules on traces (pure)', () => {
  it('the documented orders pass every rule; a swapped trace breaks the one it should', () => {
    const ok = { io: [[...IO, 'io' as Label]], microtask: [MICRO], macrotask: [IO] };
    for (const g of RULES) expect(ruleViolations(ok, g), g.name).toEqual([]);
    const swapped: Label[] = ['promise', 'nextTick', 'queueMicrotask', 'setImmediate', 'close', 'setTimeout'];
    const bad = { ...ok, io: [swapped] };
    expect(ruleViolations(bad, RULES[0] as (typeof RULES)[number])).toEqual(['io run 1: promise ran before nextTick']);
    expect(ruleViolations({ ...ok, io: [['nextTick']] }, RULES[2] as (typeof RULES)[number])[0]).toMatch(/never ran/);
  });

  it('summarises traces: the modal order, what Node guarantees, how often each is in place', () => {
    expect(modalOrder([[1, 2], [2, 1], [1, 2]])).toEqual({ order: [1, 2], count: 2 });
    expect(guaranteed(['nextTick', 'io', 'setTimeout'])).toEqual(['nextTick', 'setTimeout']);
    expect(samePlaceCounts(['nextTick', 'promise'], [['nextTick', 'promise'], ['promise', 'nextTick']])).toEqual([1, 1]);
  });
});

describe('event-driven: the lab', () => {
  let quick: Report | undefined;

  it('runs in --quick form: every check holds, the outputs are what Node documents', async () => {
    const r = await runLab(9, ['--quick']);
    quick = r;
    expect(schemaErrors(r)).toEqual([]);
    expect(r.error).toBeUndefined();
    for (const c of r.checks) expect(c.ok, `${c.name}: ${c.detail ?? c.reason ?? ''}`).toBe(true);
    expect(r.checks).toHaveLength(9);
    expect(r.status).toBe('ok');
    expect(r.outputs['order.io']).toEqual(IO);
    expect(r.outputs['order.microtask']).toEqual(MICRO);
    expect(r.outputs['order.macrotask']).toEqual(IO);
    expect(r.outputs['order.toplevel.commonjs']).toEqual(['nextTick', 'promise', 'queueMicrotask']);
    expect(r.outputs['order.toplevel.module']).toEqual(['promise', 'queueMicrotask', 'nextTick']);
    expect(r.outputs['fanout.maxInFlight']).toEqual({ 1: 1, 3: 3, 12: 12 });
    expect(r.outputs['calls.results']).toEqual({
      gather: ['1', '2', '3'],
      firstCompleted: '4',
      firstCompletedCancel: '7',
      firstSuccess: '11',
      allSettled: ['ok', '503', 'ok'],
      timeout: 'TimeoutError',
      cancel: 'AbortError',
    });
    for (const t of [/^Order inside an I\/O/, /^Order inside a promise/, /^Order at the top/, /^Top of the main module/, /^setTimeout\(0\) against/, /^Loop lag/, /^Fan-out/, /^The asyncio calls/]) {
      expect(r.tables.some((x) => t.test(x.title)), String(t)).toBe(true);
    }
    expect(r.metrics.filter((m) => m.name === 'throughput').map((m) => m.variant.limit)).toEqual([1, 3, 12]);
    expect(r.headline?.unit).toBe('x');
    // Each child ran: the race table counts the runs it got.
    const race = r.tables.find((t) => /^setTimeout\(0\) against/.test(t.title));
    expect(race?.rows.slice(0, 2).map((x) => (x.timeout as number) + (x.immediate as number))).toEqual([5, 5]);
  });

  it('prints nothing wider than an 80-column terminal, and each check on one line of it', async () => {
    const r = quick ?? (await runLab(9, ['--quick']));
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

  it('the same seed gives the same outputs', async () => {
    const a = quick ?? (await runLab(9, ['--quick']));
    const b = await runLab(9, ['--quick']);
    expect(b.outputs).toEqual(a.outputs);
  });

  it('bad values exit 2 with one clear line', async () => {
    for (const [args, re] of [
      [['--limit', '0'], /^conc: --limit must be a comma-separated list of integers from 1 to 1000/],
      [['--requests', '-5'], /^conc: --requests must be an integer from 1 to 10000, got "-5"$/],
      [['--delay', 'soon'], /^conc: --delay must be a duration/],
    ] as const) {
      const r = await runCli(['lab', '9', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(re);
    }
  });

  it('--timeout 1 exits 3 within 2 s of the limit and leaves no process behind (children, host)', async () => {
    for (const host of ['worker', 'process']) {
      let watch: { stop(): number[] } | undefined;
      const r = await runCli(['lab', '9', '--quick', '--children', '200', '--timeout', '1', '--host', host], {
        timeoutMs: 20_000,
        onSpawn: (pid) => (watch = watchTree(pid)),
      });
      const seen = watch?.stop() ?? [];
      expect(r.code, `${host}: ${r.stderr}`).toBe(3);
      expect(r.ms).toBeLessThan(3000 + 1500);
      // The children (and, with --host process, the host) were seen, and none survives.
      expect(seen.length, host).toBeGreaterThanOrEqual(host === 'process' ? 2 : 1);
      expect(await survivors(seen), host).toEqual([]);
      expect(labProcesses(), host).toEqual([]);
    }
  });

  it('Ctrl-C exits 130 and leaves no process behind', async () => {
    let pid = 0;
    let watch: { stop(): number[] } | undefined;
    const p = runCli(['lab', '9', '--quick', '--children', '200'], {
      onSpawn: (x) => {
        pid = x;
        watch = watchTree(x);
      },
      timeoutMs: 20_000,
    });
    // Wait until children are running, then interrupt.
    const t0 = Date.now();
    while (labProcesses().length === 0 && Date.now() - t0 < 10_000) await new Promise((res) => setTimeout(res, 20));
    expect(labProcesses().length).toBeGreaterThan(0);
    process.kill(pid, 'SIGINT');
    const r = await p;
    const seen = watch?.stop() ?? [];
    expect(r.code).toBe(130);
    expect(await survivors([...seen, pid])).toEqual([]);
    expect(labProcesses()).toEqual([]);
  });
});

describe('event-driven: each check fails on the fault it guards against', () => {
  it('the ordering checks fail when fed a swapped trace', async () => {
    const { swapNextTickAndPromise } = (await import(fault('swapped-trace.js'))) as { swapNextTickAndPromise: (p: string, t: Label[]) => Label[] };
    const { ctx, report, done } = await labContext();
    try {
      await loopOrder(ctx, { runs: 5, mapTrace: swapNextTickAndPromise });
    } finally {
      await done();
    }
    expect(checkNamed(report, /callback: nextTick before promise/)).toMatchObject({ ok: false, skipped: false });
    expect(checkNamed(report, /microtask: promise reactions before/)).toMatchObject({ ok: true });
  });

  it('the top-level check fails when the "ES module" child is CommonJS in disguise', async () => {
    const { ctx, report, done } = await labContext();
    try {
      await topLevelOrder(ctx, { runs: 2, children: { commonjs: pathToFileURL(dist('top-level-cjs.cjs')), module: pathToFileURL(fault('fake-esm-child.cjs')) } });
    } finally {
      await done();
    }
    expect(checkNamed(report, /top level: CJS nextTick first/)).toMatchObject({ ok: false, skipped: false });
  });

  it('the loop-lag check fails when the "block" yields the loop', async () => {
    const { yieldingBlock } = (await import(fault('yielding-block.js'))) as { yieldingBlock: (ms: number) => Promise<void> };
    const { ctx, report, done } = await labContext();
    try {
      await loopLag(ctx, { blocks: [0, 30], repeats: 2, block: yieldingBlock });
    } finally {
      await done();
    }
    expect(checkNamed(report, /timer and I\/O wait out each block/)).toMatchObject({ ok: false, skipped: false });
  });

  it('the limit checks fail with a limiter that lets limit + 1 through', async () => {
    const { leakyLimiter } = (await import(fault('leaky-limiter.js'))) as { leakyLimiter: import('../../src/workloads/limiter.js').LimiterFactory };
    const { ctx, report, done } = await labContext();
    const server = await startDelayServer({ delayMs: 20 });
    try {
      await fanout(ctx, { server, requests: 8, limits: [2, 4], repeat: 1, limiter: leakyLimiter });
    } finally {
      await server.close();
      await done();
    }
    expect(checkNamed(report, /limit never exceeded/)).toMatchObject({ ok: false, skipped: false });
    expect(checkNamed(report, /min\(limit, requests\)/)).toMatchObject({ ok: false, skipped: false });
    expect(report.outputs['fanout.maxInFlight']).toEqual({ 2: 3, 4: 5 });
  });

  it('the cancellation check fails when "cancel" only stops waiting (the request runs on)', async () => {
    const { raceOnlyGet } = (await import(fault('race-only-get.js'))) as { raceOnlyGet: import('../../src/workloads/http-get.js').Get };
    const { ctx, report, done } = await labContext();
    const server = await startDelayServer({ delayMs: 10 });
    try {
      await asyncioCalls(ctx, { server, get: raceOnlyGet, longMs: 200, abortWaitMs: 500 });
    } finally {
      await server.close();
      await done();
    }
    const c = checkNamed(report, /cancelled requests seen aborted/);
    expect(c).toMatchObject({ ok: false, skipped: false });
    expect(c.detail).toMatch(/answered/);
    // What the caller saw looked like a cancellation all the same.
    expect(report.outputs['calls.results']).toMatchObject({ timeout: 'TimeoutError', cancel: 'AbortError' });
  });

  it('the cancellation check fails with a server that never sees an abort', async () => {
    const { startDeafServer } = (await import(fault('deaf-server.js'))) as { startDeafServer: typeof startDelayServer };
    const { ctx, report, done } = await labContext();
    const server = await startDeafServer({ delayMs: 10 });
    try {
      await asyncioCalls(ctx, { server, longMs: 500, abortWaitMs: 300 });
    } finally {
      await server.close();
      await done();
    }
    expect(checkNamed(report, /cancelled requests seen aborted/)).toMatchObject({ ok: false, skipped: false });
  });
});
