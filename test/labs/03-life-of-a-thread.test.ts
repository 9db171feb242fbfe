/**
 * Lab 3 in its --quick form through the real host: its checks pass, its report
 * has the shape of any lab's, every line it prints itself fits 80 columns, and
 * a run stopped by --timeout or Ctrl-C leaves no process and no FIFO behind.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labContext } from '../helpers/context.js';
import { ROOT, runCli, runLab } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';

type Report = Awaited<ReturnType<typeof runLab>>;

describe('lab 3: life of a thread (--quick, process host)', () => {
  let report: Report;

  it('runs, and every check passes', async () => {
    report = await runLab(3, ['--quick']);
    expect(report.error).toBeUndefined();
    expect(report.host).toBe('process');
    for (const c of report.checks) expect(c.ok, `${c.name}: ${c.detail ?? c.reason}`).toBe(true);
    expect(report.status).toBe('ok');
    expect(schemaErrors(report)).toEqual([]);
  });

  it('checks the waves of every pool size, exactly, whatever the cores: none is skipped', () => {
    const waves = report.checks.filter((c) => c.name.startsWith('pool of'));
    expect(waves.map((c) => c.name)).toEqual([
      'pool of 1: ceil(8/1) = 8 waves',
      'pool of 2: ceil(8/2) = 4 waves',
      'pool of 4: ceil(8/4) = 2 waves',
      'pool of 8: ceil(8/8) = 1 wave',
    ]);
    expect(waves.every((c) => !c.skipped && c.ok)).toBe(true);
    expect(waves.map((c) => c.detail)).toEqual([
      '1+1+1+1+1+1+1+1, 1 held at once',
      '2+2+2+2, 2 held at once',
      '4+4, 4 held at once',
      '8, 8 held at once',
    ]);
  });

  it('draws the lifecycles as a timeline with one lane per worker', () => {
    const tl = report.charts.find((c) => c.type === 'timeline');
    expect(tl?.type).toBe('timeline');
    if (tl?.type !== 'timeline') return;
    expect(tl.lanes.map((l) => l.name)).toEqual(['normal', 'throws', 'terminated', 'out of memory', "unref'd child"]);
    for (const lane of tl.lanes) expect(lane.segments.length, lane.name).toBeGreaterThan(0);
    expect(tl.events?.length).toBeGreaterThanOrEqual(25);
  });

  it('charts the OS threads as whole numbers, one bar per step', () => {
    const bars = report.charts.find((c) => c.type === 'bar' && c.title.startsWith('OS threads'));
    expect(bars?.type).toBe('bar');
    if (bars?.type !== 'bar') return;
    expect(bars.bars).toHaveLength(9); // before, 4 starts, 4 stops
    for (const b of bars.bars) expect(Number.isInteger(b.value), b.label).toBe(true);
    expect(report.charts.some((c) => c.type === 'line' && c.title.startsWith('OS threads'))).toBe(false);
  });

  it('tables the events, the OS threads, unref, the waves per pool size and start-up (pbkdf2 is left to full runs)', () => {
    expect(report.options.cpu).toBe(false);
    expect(report.tables.map((t) => t.title.split(/[:(]/)[0]?.trim())).toEqual([
      'Lifecycle events',
      'OS threads of the lab process',
      'Does a worker keep its process alive?',
      'libuv pool',
      'Start-up',
    ]);
    const events = report.tables[0];
    expect(events?.rows.some((r) => r.lane === 'throws' && r.event === 'error')).toBe(true);
    expect(events?.rows.every((r) => typeof r.at === 'number')).toBe(true);
    // Every time since a lane's start is on one clock and from the lane's first event: never negative.
    for (const r of events?.rows ?? []) expect(r.since, `${String(r.lane)} ${String(r.event)}`).toBeGreaterThanOrEqual(0);
    expect(events?.rows.find((r) => r.event === 'fork()')?.since).toBe(0);
    expect(events?.rows.find((r) => r.lane === "unref'd child" && r.event === 'created')?.since).toBeGreaterThan(0);
    const waves = report.tables[3];
    expect(waves?.rows.map((r) => r.n)).toEqual([1, 2, 4, 8]);
    expect(waves?.rows.map((r) => r.expected)).toEqual([8, 4, 2, 1]);
    expect(waves?.rows.map((r) => r.waves)).toEqual(['8', '4', '2', '1']);
  });

  it('records deterministic outputs and raw metrics', () => {
    expect(report.outputs['exit codes']).toEqual({ normal: 0, throws: 1, terminated: 1, 'out of memory': 1, "unref'd child": 0 });
    expect(report.outputs['expected waves']).toEqual({ 1: 8, 2: 4, 4: 2, 8: 1 });
    const startup = report.metrics.filter((m) => m.name === 'start-up');
    expect(startup.map((m) => m.variant.kind)).toEqual(['thread', 'process']);
    expect(startup.every((m) => m.samples.length === 5)).toBe(true);
    expect(report.metrics.filter((m) => m.name === 'pool batch').map((m) => m.variant.pool)).toEqual([1, 2, 4, 8]);
    expect(report.headline?.label).toBe('process vs thread start-up');
  });

  it('prints nothing wider than an 80-column terminal, and each check on one line of it', async () => {
    const { renderText } = (await import(path.join(ROOT, 'dist/src/render/text.js'))) as typeof import('../../src/render/text.js');
    const { makeStyle } = (await import(path.join(ROOT, 'dist/src/render/style.js'))) as typeof import('../../src/render/style.js');
    const { displayWidth } = (await import(path.join(ROOT, 'dist/src/render/format.js'))) as typeof import('../../src/render/format.js');
    for (const l of renderText(report, makeStyle(false, 80)).split('\n')) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    // Without a terminal (a CI log) nothing wraps: the lab keeps its check lines short itself.
    for (const c of report.checks) {
      const line = `  ✓ ${c.name}${c.skipped ? ` (skipped: ${c.reason})` : ` — ${c.detail}`}`;
      expect(displayWidth(line), line).toBeLessThanOrEqual(80);
    }
  });
});

describe('lab 3, the same pool with CPU-bound work (--cpu, full runs)', () => {
  it('tables pbkdf2 batches per pool size and records a metric each, and no check', async () => {
    type CpuPool = typeof import('../../labs/03-life-of-a-thread/cpu-pool.js');
    const { cpuPool } = (await import(path.join(ROOT, 'dist/labs/03-life-of-a-thread/cpu-pool.js'))) as CpuPool;
    const { ctx, report, done } = await labContext();
    try {
      await cpuPool(ctx, { poolSizes: [1, 4], tasks: 4, callMs: 5 });
    } finally {
      await done();
    }
    expect(report.checks).toEqual([]);
    expect(report.tables[0]?.title).toMatch(/^The same pool with CPU work: 4 pbkdf2 calls/);
    expect(report.tables[0]?.rows.map((r) => [r.n, r.model])).toEqual([
      [1, 4],
      [4, Math.max(1, 4 / ctx.machine.effectiveCores)], // ceil(4/4) = 1 wave, its 4 calls sharing the cores
    ]);
    expect(report.metrics.map((m) => [m.name, m.variant.pool, m.samples.length])).toEqual([
      ['pbkdf2 batch', 1, 1],
      ['pbkdf2 batch', 4, 1],
    ]);
  });
});

describe('lab 3 stopped early leaves nothing behind', () => {
  // A fresh temp dir for the CLI and all it starts (TMPDIR), and a mark in their environment.
  let tmp = '';
  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'conc-lab3-test-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const marked = (mark: string, file = ''): number[] =>
    readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/environ`, 'utf8').includes(mark) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(file);
        } catch {
          return false;
        }
      })
      .map(Number);

  const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  it('--timeout 1: exits 3 within 2 s, no process and no temp file left', async () => {
    const dir = mkdtempSync(path.join(tmp, 'timeout-'));
    const mark = `CONC_LAB3_MARK=${randomUUID()}`;
    const [k, v] = mark.split('=') as [string, string];
    // The CLI's own start-up (loading Node and conc) comes on top of the 2 s: measured, at the same load.
    const startMs = (await runCli(['--help'])).ms;
    const r = await runCli(['lab', '3', '--quick', '--timeout', '1'], { env: { TMPDIR: dir, [k]: v }, timeoutMs: 20_000 });
    expect(r.code).toBe(3);
    expect(r.ms - startMs, `${r.ms} ms in all, ${startMs} ms to start`).toBeLessThan(2000);
    await settle(300);
    expect(marked(mark)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('Ctrl-C while the pool children wait on their FIFOs: exits 130, no process and no FIFO left', async () => {
    const dir = mkdtempSync(path.join(tmp, 'sigint-'));
    const mark = `CONC_LAB3_MARK=${randomUUID()}`;
    const [k, v] = mark.split('=') as [string, string];
    let cli = 0;
    // 40 openings of 100 ms: the pool part lasts 4 s, long enough to be caught in it.
    const run = runCli(['lab', '3', '--quick', '--pool-sizes', '1,2', '--tasks', '40', '--hold', '100'], {
      env: { TMPDIR: dir, [k]: v },
      timeoutMs: 60_000,
      onSpawn: (pid) => (cli = pid),
    });
    const t0 = Date.now();
    while (marked(mark, 'gate.child.js').length === 0 && Date.now() - t0 < 40_000) await settle(20);
    const children = marked(mark, 'gate.child.js');
    expect(children.length).toBeGreaterThan(0);
    expect(readdirSync(dir).length).toBe(1); // the FIFOs' dir
    process.kill(cli, 'SIGINT');
    const r = await run;
    expect(r.code).toBe(130);
    await settle(300);
    expect(marked(mark)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
