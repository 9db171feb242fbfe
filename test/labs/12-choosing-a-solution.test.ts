/**
 * Lab 12 (choosing-a-solution): the lab in --quick form through the real
 * host (every check holding, the matrix, the winner and recommendation
 * tables, metrics keyed by workload and model, the GPU job named as what
 * ran); the same seed giving the same outputs; two reports of this machine
 * comparing cleanly with `conc compare`; 80 columns; bad input; --timeout
 * and Ctrl-C leaving no process or temp file behind. The pure recommendation:
 * 12-recommend.test.ts; fault tests: 12-choosing-a-solution.faults.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, runLab } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';
import { runMarked, survivors } from './marked-procs.js';

type Report = import('../../src/core/report.js').Report;

const WORKLOADS = ['cpu-small', 'cpu-large', 'io', 'shared-state', 'data-parallel'];
const CHECKS = [...WORKLOADS.map((w) => `results ${w}`), ...WORKLOADS.map((w) => `recommend ${w}`)];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'conc-lab12-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let quick: Report | null = null;
const quickReport = async (): Promise<Report> => (quick ??= await runLab(12, ['--quick']));

function allChecksHold(r: Report): void {
  expect(r.error, r.error?.message).toBeUndefined();
  expect(r.checks.map((c) => c.name)).toEqual(CHECKS);
  for (const c of r.checks) expect(c, `${c.name}: ${c.detail ?? c.reason ?? ''}`).toMatchObject({ ok: true, skipped: false });
  expect(r.status).toBe('ok');
}

describe('choosing-a-solution: the lab', () => {
  it('runs in --quick form: every check holds, the matrix, winners and recommendations', { timeout: 120_000 }, async () => {
    const r = await quickReport();
    allChecksHold(r);
    expect(schemaErrors(r)).toEqual([]);
    expect(r.tables.map((t) => t.title)).toEqual(['Time per batch, every model on every workload', 'Winner per workload', 'Recommendation']);
    const [matrix, winners, recs] = r.tables as [Report['tables'][number], Report['tables'][number], Report['tables'][number]];
    // Every workload with every model, measured or marked n/a: the GPU job applies to data-parallel only.
    expect(matrix.rows).toHaveLength(WORKLOADS.length * 4);
    for (const w of WORKLOADS) {
      const rows = matrix.rows.filter((x) => x.workload === w);
      expect(rows.map((x) => String(x.model).replace(/ \(.*\)$/, ''))).toEqual(['one thread', 'thread pool', 'process pool', 'GPU job']);
      const gpuRow = rows[3] as Record<string, unknown>;
      if (w === 'data-parallel') expect(gpuRow.time).toMatchObject({ value: expect.any(Number) });
      else expect(gpuRow.time).toBe('n/a');
    }
    // The GPU job is named as the backend that ran, and the report says what that was.
    expect(r.gpu?.ran).toBeTruthy();
    expect(matrix.rows.find((x) => x.workload === 'data-parallel' && /^GPU job/.test(String(x.model)))?.model).toBe(`GPU job (${r.gpu?.ran})`);
    if (r.gpu?.ran === 'webasm' || r.gpu?.ran === 'cpu') expect(r.notes.join(' ')).toMatch(/the CPU, no GPU computed here/);
    expect(matrix.note).toMatch(/n\/a, not measured: GPU job for cpu-small and cpu-large \(.*\); io \(.*\); shared-state \(.*\)/);
    // Winner and recommendation per workload, and the checks cite them.
    expect(winners.rows.map((x) => x.workload)).toEqual(WORKLOADS);
    expect(recs.rows.map((x) => x.workload)).toEqual(WORKLOADS);
    for (const [i, row] of recs.rows.entries()) {
      const check = r.checks.find((c) => c.name === `recommend ${row.workload}`);
      const because = String(row.because);
      if (/^indistinguishable/.test(because)) expect(check?.detail).toMatch(/^indistinguishable \(/);
      else {
        expect(because).toMatch(/faster than .*, p[=<]/);
        expect(check?.detail).toMatch(/x \(.*\) over .*, p[=<]/);
        expect(row.use).toBe(winners.rows[i]?.winner);
      }
    }
    // Metrics: one per workload and model measured, keyed by both.
    const batch = r.metrics.filter((m) => m.name === 'batch time');
    expect(batch).toHaveLength(16);
    for (const m of batch) {
      expect(Object.keys(m.variant).sort()).toEqual(['model', 'workload']);
      expect(m.samples).toHaveLength(7);
    }
    expect(batch.filter((m) => m.variant.model === 'gpu').map((m) => m.variant.workload)).toEqual(['data-parallel']);
    expect(Object.keys(r.outputs).sort()).toEqual(
      ['cpu-large numbers', 'cpu-large primes', 'cpu-small numbers', 'cpu-small primes', 'data-parallel sum', 'io bodies', 'shared-state balances', 'workloads'].sort(),
    );
    expect(r.outputs.workloads).toEqual(WORKLOADS);
    expect(r.headline?.label).toBe('use');
  });

  it('prints nothing wider than an 80-column terminal, and each check on one line of it', { timeout: 120_000 }, async () => {
    const r = await quickReport();
    const { renderText } = (await import(path.join(ROOT, 'dist/src/render/text.js'))) as typeof import('../../src/render/text.js');
    const { makeStyle } = (await import(path.join(ROOT, 'dist/src/render/style.js'))) as typeof import('../../src/render/style.js');
    const { displayWidth } = (await import(path.join(ROOT, 'dist/src/render/format.js'))) as typeof import('../../src/render/format.js');
    for (const l of renderText(r, makeStyle(false, 80)).split('\n')) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    for (const c of r.checks) {
      const line = `  ✓ ${c.name}${c.skipped ? ` (skipped: ${c.reason})` : ` — ${c.detail}`}`;
      expect(displayWidth(line), line).toBeLessThanOrEqual(80);
    }
  });

  it('the same seed gives the same outputs, and two reports of this machine compare cleanly', { timeout: 120_000 }, async () => {
    const a = await quickReport();
    const fileA = path.join(tmp, 'a.json');
    const fileB = path.join(tmp, 'b.json');
    writeFileSync(fileA, JSON.stringify(a));
    const run = await runCli(['lab', '12', '--quick', '--out', fileB], { timeoutMs: 110_000 });
    expect(run.code, run.stderr).toBe(0);
    const b = JSON.parse(readFileSync(fileB, 'utf8')) as Report;
    allChecksHold(b);
    expect(b.outputs).toEqual(a.outputs);

    const cmp = await runCli(['compare', fileA, fileB, '--json']);
    expect(cmp.code, cmp.stderr).toBe(0);
    const doc = JSON.parse(cmp.stdout) as {
      rows: { lab: number; metric: string; variant: Record<string, string>; n: number[] }[];
      unmatched: unknown[];
      outputs: unknown[];
      warnings: string[];
    };
    expect(doc.unmatched).toEqual([]);
    expect(doc.outputs).toEqual([]);
    expect(doc.warnings).toEqual([]);
    // Every workload and model measured is one row, matched in both files.
    const keys = doc.rows.filter((x) => x.lab === 12).map((x) => `${x.variant.workload}/${x.variant.model}`);
    expect(keys).toHaveLength(16);
    expect(new Set(keys).size).toBe(16);
    for (const w of WORKLOADS) for (const m of ['one-thread', 'thread-pool', 'process-pool']) expect(keys).toContain(`${w}/${m}`);
    expect(keys).toContain('data-parallel/gpu');
    for (const row of doc.rows) expect(row.n).toEqual([7, 7]);
  });

  it.each([
    [['--matrix', '0'], /--matrix must be an integer from 8 to 1024/],
    [['--gpu', 'cuda'], /--gpu must be one of/],
    [['--alpha', '2'], /--alpha must be/],
    [['--delay', 'soon'], /--delay must be/],
    [['--updates', '1.5'], /--updates must be an integer/],
  ])('refuses %j with exit 2 and one line', async (args, msg) => {
    const r = await runCli(['lab', '12', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 3 on --timeout 1 and leaves no process or temp file behind', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(tmp, 'timeout-'));
    const { r, seen } = await runMarked(['lab', '12', '--quick', '--timeout', '1'], { env: { TMPDIR: dir } });
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/timed out after 1 s/);
    expect(r.ms).toBeLessThan(8000);
    expect(seen.size).toBeGreaterThan(1);
    expect(await survivors(seen.keys())).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('exits 130 on Ctrl-C while the GPU job and the pools run, and leaves no process or temp file', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmp, 'sigint-'));
    const { r, seen } = await runMarked(['lab', '12', '--quick'], { env: { TMPDIR: dir }, interruptWhen: 'gpu/child.js' });
    expect(r.code).toBe(130);
    expect([...seen.values()].some((c) => c.includes('process-pool.child.js'))).toBe(true);
    expect(await survivors(seen.keys())).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
