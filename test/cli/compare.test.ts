/**
 * `conc compare` as a user runs it (the real bin, from dist/), on committed
 * reports of the fixture lab 01 (two runs of `conc lab 1 --count 300000
 * --repeat 12 --warmup 3 --json`, and a suite of labs 1 and 2) and on copies
 * of them edited here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';
import { compareFiles } from '../../src/compare/files.js';
import type { InputReport } from '../../src/compare/model.js';
import { renderCompareText } from '../../src/render/compare.js';
import { makeStyle } from '../../src/render/style.js';

const FIX = path.join(ROOT, 'test/fixtures/reports');
const RUN1 = path.join(FIX, 'lab1-run1.json');
const RUN2 = path.join(FIX, 'lab1-run2.json');
const SUITE = path.join(FIX, 'suite-1-2.json');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'conc-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Json = Record<string, any>;

const load = (f: string): Json => JSON.parse(readFileSync(f, 'utf8')) as Json;

/** A copy of a report with every sample of its first metric multiplied by `factor`. */
function scaled(name: string, factor: number, from = RUN1): string {
  const r = load(from);
  r.metrics[0].samples = (r.metrics[0].samples as number[]).map((x) => x * factor);
  const f = path.join(tmp, name);
  writeFileSync(f, JSON.stringify(r, null, 2));
  return f;
}

async function compareJson(args: string[]): Promise<{ code: number | null; doc: Json; stderr: string }> {
  const r = await runCli(['compare', ...args, '--json']);
  return { code: r.code, doc: JSON.parse(r.stdout) as Json, stderr: r.stderr };
}

describe('conc compare: statistics on real reports', () => {
  it('the fixtures are what the tests assume: one metric with 12 samples a side', () => {
    for (const f of [RUN1, RUN2]) {
      const r = load(f);
      expect(schemaErrors(r)).toEqual([]);
      expect(r.metrics).toHaveLength(1);
      expect(r.metrics[0].samples).toHaveLength(12);
    }
  });

  it('a file compared with itself: exit 0, every row ~ (p = 1), even with --fail-on-regression', async () => {
    const { code, doc } = await compareJson([RUN1, RUN1, '--fail-on-regression']);
    expect(code).toBe(0);
    expect(schemaErrors(doc, 'conc.compare.schema.json')).toEqual([]);
    expect(doc.rows).toHaveLength(1);
    expect(doc.rows[0]).toMatchObject({ lab: 1, metric: 'loop', variant: { mode: 'a' }, change: [null, 0], p: [null, 1], significant: [null, false], verdict: [null, 'unchanged'] });
    expect(doc.outputs).toEqual([]);
    const text = await runCli(['compare', RUN1, RUN1]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/loop \(ms\).*\s~\s/);
  });

  it('two runs of the same lab on the same machine compare as ~ and exit 0', async () => {
    const { code, doc } = await compareJson([RUN1, RUN2]);
    expect(code).toBe(0);
    expect(doc.rows[0].significant).toEqual([null, false]);
    expect(doc.rows[0].verdict).toEqual([null, 'unchanged']);
    expect(doc.rows[0].p[1]).toBeGreaterThan(0.05);
    expect(doc.summary).toMatchObject({ rows: 1, worse: 0, better: 0, unchanged: 1 });
    expect(doc.machineDifferences).toEqual([]);
  });

  it('a variant made twice as slow is a significant regression; --fail-on-regression exits 1', async () => {
    const slow = scaled('slow.json', 2);
    const { code, doc } = await compareJson([RUN1, slow]);
    expect(code).toBe(0); // without the flag a regression is reported, not failed
    const row = doc.rows[0];
    expect(row.change[1]).toBeCloseTo(100, 6);
    expect(row.p[1]).toBeLessThan(0.001);
    expect(row.significant).toEqual([null, true]);
    expect(row.verdict).toEqual([null, 'worse']);
    expect(row.regression).toEqual([null, true]);
    expect(doc.geomeans[0].change[1]).toBeCloseTo(100, 6);

    const failed = await runCli(['compare', '--fail-on-regression', RUN1, slow]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/loop \(ms\).*\+100%.*worse/);
    expect(failed.stderr.trim()).toBe('conc: compare: 1 significant regression (--fail-on-regression)');
  });

  it('a variant made twice as fast is an improvement, and does not fail', async () => {
    const fast = scaled('fast.json', 0.5);
    const r = await runCli(['compare', RUN1, fast, '--fail-on-regression']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/loop \(ms\).*-50\.0%.*better/);
  });

  it('--threshold ignores a significant change smaller than it', async () => {
    const slow = scaled('slow-thr.json', 2);
    const { code, doc } = await compareJson([RUN1, slow, '--threshold', '150%', '--fail-on-regression']);
    expect(code).toBe(0);
    expect(doc.rows[0].significant).toEqual([null, true]);
    expect(doc.rows[0].verdict).toEqual([null, 'below-threshold']);
    expect(doc.settings).toEqual({ alpha: 0.05, thresholdPct: 150, failOnRegression: true });
  });

  it('with too few samples the row says so and is not significant', async () => {
    const r = load(RUN1);
    r.metrics[0].samples = r.metrics[0].samples.slice(0, 3);
    const few = path.join(tmp, 'few.json');
    writeFileSync(few, JSON.stringify(r));
    const slow = scaled('few-slow.json', 2, few);
    const { code, doc } = await compareJson([few, slow, '--fail-on-regression']);
    expect(code).toBe(0);
    expect(doc.rows[0].verdict).toEqual([null, 'too-few']);
    expect(doc.rows[0].significant).toEqual([null, false]);
    const text = await runCli(['compare', few, slow]);
    expect(text.stdout).toMatch(/loop \(ms\) .*│\s+\+100% │\s+– │ too few samples \(n=3\/3\)/);
    expect(text.stdout).toContain('record more with --repeat');
  });

  it('compares each later file against the first (3 files, options anywhere)', async () => {
    const slow = scaled('slow3.json', 2);
    const { code, doc } = await compareJson(['--alpha', '0.01', RUN1, RUN2, slow]);
    expect(code).toBe(0);
    expect(doc.files.map((f: Json) => f.label)).toEqual(['lab1-run1.json', 'lab1-run2.json', 'slow3.json']);
    expect(doc.rows[0].verdict).toEqual([null, 'unchanged', 'worse']);
    expect(doc.settings.alpha).toBe(0.01);
  });
});

describe('conc compare: matching, outputs, machines', () => {
  it('reads a suite and a report together, lists what does not match and notes other options', async () => {
    const { code, doc, stderr } = await compareJson([RUN1, SUITE]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(doc.files.map((f: Json) => f.schema)).toEqual(['conc.report/1', 'conc.suite/1']);
    expect(doc.files[1].labs).toEqual([1, 2]);
    expect(doc.rows).toHaveLength(1);
    // lab 2 is only in the suite (it threw: no metrics), lab 1 ran with --count 1000 there
    expect(doc.labs.map((l: Json) => [l.lab, l.status])).toEqual([
      [1, ['ok', 'ok']],
      [2, [null, 'error']],
    ]);
    expect(doc.labs[0].optionsDiffer[1]).toMatch(/count 300000 → 1000/);
    expect(doc.outputs.every((o: Json) => o.comparable === false)).toBe(true);
    const text = await runCli(['compare', RUN1, SUITE]);
    expect(text.stdout).toMatch(/lab 2 \(throws\) is not in lab1-run1\.json/);
    expect(text.stdout).toMatch(/ran with other options in suite-1-2\.json: count 300000 → 1000/);
  });

  it('lists unmatched metrics instead of dropping them', async () => {
    const r = load(RUN1);
    r.metrics[0].variant = { mode: 'b' };
    const other = path.join(tmp, 'mode-b.json');
    writeFileSync(other, JSON.stringify(r));
    const { code, doc, stderr } = await compareJson([RUN1, other]);
    expect(code).toBe(0);
    expect(doc.rows).toEqual([]);
    expect(doc.unmatched).toEqual([
      { lab: 1, slug: 'passes', metric: 'loop', unit: 'ms', variant: { mode: 'a' }, in: ['lab1-run1.json'], missing: ['mode-b.json'] },
      { lab: 1, slug: 'passes', metric: 'loop', unit: 'ms', variant: { mode: 'b' }, in: ['mode-b.json'], missing: ['lab1-run1.json'] },
    ]);
    expect(stderr).toMatch(/no metric is in more than one file/);
    const text = await runCli(['compare', RUN1, other]);
    expect(text.stdout).toContain('Unmatched (not compared)');
    expect(text.stdout).toContain('lab 1 (passes) loop (ms) mode=b: only in mode-b.json, not in lab1-run1.json');
    // A CI gate on files with nothing in common fails, with one line saying why.
    const gate = await runCli(['compare', RUN1, other, '--fail-on-regression']);
    expect(gate.code).toBe(1);
    expect(gate.stderr.trim().split('\n')).toEqual(['conc: compare: no metric is in more than one file; nothing was compared (--fail-on-regression)']);
  });

  it('shows a differing output as a correctness problem, and --fail-on-regression fails on it', async () => {
    const r = load(RUN1);
    r.outputs.sum = 12345;
    const wrong = path.join(tmp, 'wrong-sum.json');
    writeFileSync(wrong, JSON.stringify(r));
    const { code, doc } = await compareJson([RUN1, wrong]);
    expect(code).toBe(0);
    expect(doc.outputs).toEqual([
      { lab: 1, slug: 'passes', key: 'sum', file: 'wrong-sum.json', index: 1, base: 44999850000, value: 12345, missingIn: null, comparable: true },
    ]);
    expect(doc.summary.correctness).toBe(1);
    expect(doc.rows[0].verdict).toEqual([null, 'unchanged']); // not a performance change
    const failed = await runCli(['compare', RUN1, wrong, '--fail-on-regression']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/output "sum".*a correctness problem, not a performance change/);
    expect(failed.stderr).toMatch(/output differs \(a correctness problem\)/);
  });

  it('puts the machines side by side and marks what differs', async () => {
    const r = load(RUN1);
    r.machine.logicalCores = 64;
    r.machine.availableParallelism = 64;
    r.machine.node = '22.11.0';
    const big = path.join(tmp, 'big.json');
    writeFileSync(big, JSON.stringify(r));
    const { doc } = await compareJson([RUN1, big]);
    expect(doc.machineDifferences).toEqual(['logicalCores', 'node']);
    expect(doc.machines.map((m: Json) => m.file)).toEqual(['lab1-run1.json', 'big.json']);
    const text = await runCli(['compare', RUN1, big]);
    expect(text.stdout).toMatch(/cores ≠ .* 64 \(64 available\)/);
    expect(text.stdout).toMatch(/Node ≠ .* 22\.11\.0/);
    expect(text.stdout).toMatch(/≠ differs: cores, Node/);
  });

  it('--format md gives Markdown tables', async () => {
    const r = await runCli(['compare', RUN1, RUN2, '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## conc compare: lab1-run1\.json vs lab1-run2\.json/);
    expect(r.stdout).toContain('### lab 1 · passes');
    expect(r.stdout).toMatch(/^\| metric \| variant \| lab1-run1\.json \| lab1-run2\.json \| change \| p \|  \|$/m);
    expect(r.stdout).toMatch(/^\| loop \(ms\) \| mode=a \| .* \| ~ \|$/m);
  });

  it('--help prints the options and exits 0', async () => {
    const r = await runCli(['compare', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--fail-on-regression');
  });
});

describe('conc compare: bad input exits 2 with one line naming the file and the problem', () => {
  const cases: [string, string, RegExp][] = [
    ['a missing file', path.join(FIX, 'no-such-file.json'), /no-such-file\.json: no such file$/],
    ['a file that is not JSON', path.join(FIX, 'not-json.txt'), /not-json\.txt: not JSON \(/],
    ['a truncated file', path.join(FIX, 'truncated.json'), /truncated\.json: truncated: the JSON ends early/],
    ['an empty file', path.join(FIX, 'empty.json'), /empty\.json: empty file, not a conc report$/],
    ['JSON that is not a conc report', path.join(FIX, 'not-a-report.json'), /not-a-report\.json: not a conc report or suite \(no "schema" field\)$/],
    ['a report of another schema version', path.join(FIX, 'report-v2.json'), /report-v2\.json: schema conc\.report\/2 is not supported; this conc reads conc\.report\/1 and conc\.suite\/1$/],
    ['a report with bad samples', path.join(FIX, 'bad-samples.json'), /bad-samples\.json: not a valid conc\.report\/1: metrics\[0\]\.samples must be an array of numbers$/],
    ['a directory', FIX, /reports: is a directory, not a report file$/],
  ];
  for (const [what, file, msg] of cases) {
    it(what, async () => {
      const r = await runCli(['compare', RUN1, file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^conc: /);
      expect(lines[0]).toMatch(msg);
    });
  }

  it('a suite holding a report of another version names the report', async () => {
    const s = load(SUITE);
    s.reports[1].schema = 'conc.report/2';
    const f = path.join(tmp, 'suite-v2-inside.json');
    writeFileSync(f, JSON.stringify(s));
    const r = await runCli(['compare', f, RUN1]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`conc: ${f}: reports[1]: schema conc.report/2 is not supported; this conc reads conc.report/1 and conc.suite/1`);
  });

  it('a suite of another version', async () => {
    const s = load(SUITE);
    s.schema = 'conc.suite/2';
    const f = path.join(tmp, 'suite-v2.json');
    writeFileSync(f, JSON.stringify(s));
    const r = await runCli(['compare', RUN1, f]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`conc: ${f}: schema conc.suite/2 is not supported; this conc reads conc.report/1 and conc.suite/1`);
  });

  it('fewer than two files', async () => {
    for (const args of [[RUN1], []]) {
      const r = await runCli(['compare', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(/^conc: compare needs at least two report or suite files \(the first is the base\), got (only .*lab1-run1\.json|none)$/);
    }
  });

  it('bad options', async () => {
    const cases: [string[], RegExp][] = [
      [['--alpha', '2'], /^conc: --alpha must be a number from 0\.0001 to 0\.5, got "2"$/],
      [['--threshold', 'big'], /^conc: --threshold must be a number from 0 to 10000, got "big"$/],
      [['--format', 'html'], /^conc: --format must be one of text, md, json, got "html"$/],
      [['--bogus'], /^conc: unknown option --bogus for conc compare/],
    ];
    for (const [opts, msg] of cases) {
      const r = await runCli(['compare', RUN1, RUN2, ...opts]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(msg);
    }
  });
});

describe('renderCompareText in colour', () => {
  const rep = (sum: number, samples: number[]): InputReport => ({
    lab: { id: 1, slug: 'passes' },
    options: {},
    seed: 1,
    status: 'ok',
    metrics: [{ name: 't', unit: 'ms', better: 'lower', variant: {}, samples }],
    outputs: { sum },
  });
  const TEN = Array.from({ length: 10 }, (_, i) => 10 + i);
  const RED = '\u001b[31m';

  it('paints a differing output and a regression red, and ~ not', () => {
    const c = compareFiles([
      { label: 'a', machine: null, reports: [rep(1, TEN)] },
      { label: 'b', machine: null, reports: [rep(2, TEN.map((x) => 2 * x))] },
    ]);
    const out = renderCompareText(c, makeStyle(true, 160));
    expect(out).toContain(`${RED}  ✗ lab 1 (passes) output "sum": a 1, b 2`);
    expect(out).toContain(`${RED}worse`);
    const same = renderCompareText(compareFiles([{ label: 'a', machine: null, reports: [rep(1, TEN)] }, { label: 'b', machine: null, reports: [rep(1, TEN)] }]), makeStyle(true, 160));
    expect(same).not.toContain(RED);
    expect(same).toMatch(/│\s*\S*~/);
  });
});
