/**
 * `conc lab all` as a user runs it (the real bin, from dist/), on the fixture
 * labs: 01 passes, 02 throws, 03 hangs, 04 and 06 are broken.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, isRunning, runCli, type CliResult } from '../helpers/run-lab.js';
import { renderSuiteMarkdown, renderSuiteText } from '../../src/render/suite.js';
import { makeStyle } from '../../src/render/style.js';

const LABS = path.join(ROOT, 'test/fixtures/labs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'conc-suite-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Json = Record<string, any>;

const ajv = new Ajv({ allErrors: true, strict: false, formats: { 'date-time': true } });
ajv.addSchema(JSON.parse(readFileSync(path.join(ROOT, 'schema/conc.report.schema.json'), 'utf8')) as object);
const validateSuite = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'schema/conc.suite.schema.json'), 'utf8')) as object);
function suiteErrors(doc: unknown): string[] {
  return validateSuite(doc) ? [] : (validateSuite.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

function all(args: string[], env: Record<string, string> = {}, onSpawn?: (pid: number) => void): Promise<CliResult> {
  return runCli(['lab', 'all', ...args], { env: { CONC_LABS_DIR: LABS, ...env }, timeoutMs: 60_000, ...(onSpawn ? { onSpawn } : {}) });
}

async function gone(pid: number, ms = 3000): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

async function waitForFile(file: string, ms: number): Promise<Json> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as Json;
      } catch {
        /* half written */
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no file ${file} after ${ms} ms`);
}

describe('conc lab all: exit codes and summary', () => {
  it('exit 0 when every selected lab passes, with a summary table and the total wall time', async () => {
    const r = await all(['--only', '1', '--quick']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^conc lab all — 1 lab$/m);
    expect(r.stdout).toMatch(/│\s+1 │ passes\s+│ ✓ ok\s+│\s+1 │\s+0 │\s+0 │\s+[\d.]+ (ms|s) │ loop [\d.]+ ms\s+│/);
    expect(r.stdout).toMatch(/^✓ ok — 1 ok of 1 lab — total wall time [\d.]+ (ms|s)$/m);
    expect(r.stdout).toContain('--quick');
    // one progress line per lab on stderr
    expect(r.stderr).toMatch(/^✓ lab 1 · passes · ok · /m);
  });

  it('--json prints a conc.suite/1 document with the full reports', async () => {
    const r = await all(['--only', 'passes', '--json', '--repeat', '4']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Json;
    expect(suiteErrors(doc)).toEqual([]);
    expect(doc.schema).toBe('conc.suite/1');
    expect(doc.status).toBe('ok');
    expect(doc.settings).toMatchObject({ quick: false, repeat: 4, only: [1], skip: null });
    expect(doc.labs).toHaveLength(1);
    expect(doc.labs[0]).toMatchObject({ id: 1, slug: 'passes', status: 'ok', broken: false, checks: { passed: 1, failed: 0, skipped: 0 }, error: null });
    expect(doc.labs[0].headline.label).toBe('loop');
    expect(doc.labs[0].wallMs).toBeGreaterThan(0);
    expect(doc.durationMs).toBeGreaterThanOrEqual(doc.labs[0].wallMs);
    expect(doc.reports).toHaveLength(1);
    expect(doc.reports[0].schema).toBe('conc.report/1');
    expect(doc.reports[0].options.repeat).toBe(4);
    expect(doc.reports[0].metrics[0].samples.length).toBeGreaterThanOrEqual(4);
  });

  it('exit 1 when a lab throws', async () => {
    const r = await all(['--only', '2']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/│\s+2 │ throws\s+│ ✗ error/);
    expect(r.stdout).toMatch(/lab 2 · throws error: the fixture lab threw on purpose/);
  });

  it('exit 3 when a lab times out, and the lab leaves nothing running', async () => {
    const pids = path.join(tmp, 'pids-timeout.json');
    const r = await all(['--only', '3', '--timeout', '1', '--json'], { CONC_FIXTURE_PIDS: pids });
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as Json;
    expect(doc.status).toBe('timeout');
    expect(doc.settings.timeoutS).toBe(1);
    expect(doc.labs[0].error.message).toMatch(/timed out after 1 s/);
    const { child } = JSON.parse(readFileSync(pids, 'utf8')) as { child: number };
    expect(await gone(child)).toBe(true);
  });

  it('runs every lab whatever the others do: broken rows, an error, a timeout; the worst decides (3)', async () => {
    const r = await all(['--timeout', '1', '--json']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as Json;
    expect(suiteErrors(doc)).toEqual([]);
    expect(doc.labs.map((l: Json) => `${l.id} ${l.status}${l.broken ? ' broken' : ''}`)).toEqual([
      '1 ok',
      '2 error',
      '3 timeout',
      '4 error broken',
      '6 error broken',
    ]);
    expect(doc.labs[3].error.message).toMatch(/this lab module is broken/);
    expect(doc.counts).toEqual({ ok: 1, failed: 0, error: 3, timeout: 1, interrupted: 0, 'not-run': 0 });
    expect(doc.reports.map((x: Json) => x.lab.id)).toEqual([1, 2, 3]);
  });

  it('a broken lab is an error row (exit 1), not the end of the suite', async () => {
    const r = await all(['--skip', '3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/│\s+4 │ broken\s+│ ✗ broken/);
    expect(r.stdout).toMatch(/│\s+6 │ mismatch\s+│ ✗ broken/);
    expect(r.stdout).toMatch(/lab 6 · mismatch broken: id 7 does not match its folder number 6/);
    expect(r.stdout).toMatch(/1 ok, 3 error of 4 labs — total wall time/);
  });
});

describe('conc lab all: output', () => {
  it('--out writes the suite JSON atomically, whatever is printed; --format md prints Markdown', async () => {
    const out = path.join(tmp, 'suite.json');
    const r = await all(['--only', '1,2', '--format', 'md', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^## conc lab all: ❌ error$/m);
    expect(r.stdout).toMatch(/^\| lab \| status \| checks passed \| failed \| skipped \| wall \| headline \|$/m);
    expect(r.stdout).toMatch(/^\| 1 passes \| ✅ ok \| 1 \| 0 \| 0 \| .* \| loop .* ms \|$/m);
    expect(r.stdout).toMatch(/^\| 2 throws \| ❌ error \|/m);
    expect(r.stdout).toMatch(/total wall time/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Json;
    expect(suiteErrors(doc)).toEqual([]);
    expect(doc.labs.map((l: Json) => l.status)).toEqual(['ok', 'error']);
    expect(readdirSync(tmp).filter((f) => f.startsWith('.conc-tmp'))).toEqual([]);
  });

  it('names the failed checks of a failed lab in the problems', async () => {
    const r = await all(['--only', '1', '--json']);
    const doc = JSON.parse(r.stdout) as Json;
    doc.reports[0].checks[0].ok = false;
    doc.labs[0].status = 'failed';
    doc.labs[0].checks = { passed: 0, failed: 1, skipped: 0 };
    doc.status = 'failed';
    doc.counts.ok = 0;
    doc.counts.failed = 1;
    expect(suiteErrors(doc)).toEqual([]);
    const text = renderSuiteText(doc as never, makeStyle(false, 100));
    expect(text).toMatch(/^  ✗ lab 1 · passes failed: check "count is positive" failed \(count=1000\)$/m);
    expect(text).toMatch(/^✗ failed — 1 failed of 1 lab — total wall time/m);
    expect(renderSuiteMarkdown(doc as never)).toMatch(/^- ❌ lab 1 · passes failed: check "count is positive" failed \(count=1000\)$/m);
  });

  it('--help prints the suite options', async () => {
    const r = await all(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: conc lab all');
    expect(r.stdout).toContain('--only <labs>');
  });
});

describe('conc lab all: usage errors exit 2 with one line', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown id in --only', ['--only', '1,99'], /^conc: --only: unknown lab "99"; labs: 1 passes, 2 throws, 3 hangs, 4 broken, 6 mismatch \(see conc list\)$/],
    ['an unknown slug in --skip', ['--skip', 'nope'], /^conc: --skip: unknown lab "nope"; labs: /],
    ['an empty item in --only', ['--only', '1,,2'], /^conc: --only must be a comma-separated list of lab ids or slugs, got "1,,2"$/],
    ['--only without a value', ['--only'], /^conc: --only needs a value: a comma-separated list of lab ids or slugs$/],
    ['a selection that leaves nothing', ['--only', '1', '--skip', '1'], /^conc: no labs selected/],
    ['a lab-specific option', ['--count', '5'], /^conc: --count is an option of lab 1 \(passes\); conc lab all takes only common options/],
    ['a lab-specific boolean option', ['--fail'], /^conc: --fail is an option of lab 1 \(passes\)/],
    ['an unknown option', ['--bogus'], /^conc: unknown option --bogus for conc lab all/],
    ['a bad common option', ['--timeout', '0'], /^conc: --timeout must be a number from 0\.1 to 86400, got "0"$/],
    ['an --out in a missing directory', ['--out', '/nonexistent-dir/x.json'], /^conc: --out \/nonexistent-dir\/x\.json: directory \/nonexistent-dir does not exist$/],
  ];
  for (const [what, args, msg] of cases) {
    it(what, async () => {
      const r = await all(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(msg);
    });
  }
});

describe('conc lab all: Ctrl-C', () => {
  it('stops the suite (exit 130), kills the running lab, runs no further lab, and still reports', async () => {
    const pids = path.join(tmp, 'pids-int.json');
    let cli = 0;
    const run = all(['--only', '3,4', '--json'], { CONC_FIXTURE_PIDS: pids }, (pid) => (cli = pid));
    const started = await waitForFile(pids, 20_000);
    process.kill(cli, 'SIGINT');
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopping the lab/);
    const doc = JSON.parse(r.stdout) as Json;
    expect(doc.status).toBe('interrupted');
    expect(doc.labs.map((l: Json) => `${l.id} ${l.status}`)).toEqual(['3 interrupted', '4 not-run']);
    expect(doc.counts['not-run']).toBe(1);
    expect(await gone(started.child as number)).toBe(true);
  });
});
