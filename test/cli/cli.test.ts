/**
 * The real bin/conc.js, spawned as a user would run it, for every exit code
 * (0 ok, 1 failed or threw, 2 usage, 3 timeout, 130 interrupted). Lab runs
 * use the fixture labs (CONC_LABS_DIR) so they are fast and deterministic.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, isRunning, runCli } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';

const FIX = { CONC_LABS_DIR: path.join(ROOT, 'test/fixtures/labs') };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'conc-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('conc (no lab run)', () => {
  it('prints its version and help', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['list', 'info', 'lab', 'compare']) expect(h.stdout).toContain(c);
  });

  it('is what `npx conc` runs in the project (the package is named conc, so npx resolves its own bin, offline)', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync('npx', ['--no-install', 'conc', '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('lists the labs as a table and as JSON, and names a broken lab on stderr', async () => {
    const t = await runCli(['list'], { env: FIX });
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/1\s+│\s+passes/);
    expect(t.stderr).toContain('lab 4 (broken) is broken');
    const j = await runCli(['list', '--json'], { env: FIX });
    const doc = JSON.parse(j.stdout) as { labs: { id: number; slug: string; host: string; summary: string }[] };
    expect(doc.labs.map((l) => l.id)).toEqual([1, 2, 3]);
    expect(doc.labs[0]).toMatchObject({ slug: 'passes', host: 'worker', summary: 'measures a tiny loop' });
  });

  it('lists the real labs', async () => {
    const j = await runCli(['list', '--json']);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout) as { labs: { id: number; slug: string }[]; broken: unknown[] };
    expect(doc.labs.find((l) => l.id === 1)?.slug).toBe('speed-it-up');
    expect(doc.labs.find((l) => l.id === 2)?.slug).toBe('parallelize-it');
    expect(doc.broken).toEqual([]);
  });

  it('prints the machine fingerprint', async () => {
    const t = await runCli(['info']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/availableParallelism\s+\d+/);
    const j = JSON.parse((await runCli(['info', '--json'])).stdout) as { machine: { logicalCores: number; node: string } };
    expect(j.machine.logicalCores).toBe(os.cpus().length);
    expect(j.machine.node).toBe(process.versions.node);
  });

  it('conc lab --help (and -h) prints the lab command: usage, the labs, the common options', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await runCli(['lab', flag], { env: FIX });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^Usage: conc lab <id\|slug\|all> \[options\]/);
      expect(r.stdout).toMatch(/^ {2}1 +passes +Fixture that passes$/m);
      expect(r.stdout).toMatch(/^ {2}all +every lab in turn/m);
      expect(r.stdout).toContain('--quick');
    }
  });

  it("prints a lab's options, with defaults and ranges, from its option table", async () => {
    const r = await runCli(['lab', '1', '--help'], { env: FIX });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--count <n>');
    expect(r.stdout).toContain('loop length (an integer from 1 to 1000000; default: 1000; --quick: 10)');
    expect(r.stdout).toContain('--mode <a|b>');
    expect(r.stdout).toContain('--timeout <seconds>');
  });
});

describe('bad input: one line on stderr, exit 2, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['frob'], /unknown command 'frob'/],
    [['lab'], /conc lab needs a lab/],
    [['lab', '99'], /unknown lab "99"; labs: 1 passes/],
    [['lab', 'nope'], /unknown lab "nope"/],
    [['lab', '5'], /^conc: lab 5 \(Communication between Threads\) is not written yet; labs: 1 passes/],
    [['lab', '13'], /unknown lab "13"/],
    [['lab', '1', '--bogus'], /unknown option --bogus for lab 1 \(passes\)/],
    [['lab', '1', '--count', 'abc'], /^conc: --count must be an integer from 1 to 1000000, got "abc"$/],
    [['lab', '1', '--count', '-3'], /--count must be an integer from 1 to 1000000, got "-3"/],
    [['lab', '1', '--count', '1e9'], /got "1e9"/],
    [['lab', '1', '--count'], /--count needs a value: an integer from 1 to 1000000/],
    [['lab', '1', '--mode', 'c'], /--mode must be one of a, b, got "c"/],
    [['lab', '1', '--repeat', '0'], /--repeat must be an integer from 1 to 1000, got "0"/],
    [['lab', '1', '--timeout', 'soon'], /--timeout must be a number from 0.1 to 86400/],
    [['lab', '1', '--format', 'xml'], /--format must be one of text, md, json/],
    [['lab', '1', '--out', '/nonexistent-dir/r.json'], /directory \/nonexistent-dir does not exist/],
    [['lab', '1', 'extra'], /unexpected argument "extra"/],
  ];
  it.each(cases)('conc %j', async (args, re) => {
    const r = await runCli(args, { env: FIX });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an --out directory that is not writable, leaving no file', async () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere; use a path whose parent is a file instead.
      const r = await runCli(['lab', '1', '--quick', '--out', path.join(ROOT, 'package.json', 'r.json')], { env: FIX });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is not a directory/);
      return;
    }
    const ro = path.join(tmp, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    const r = await runCli(['lab', '1', '--quick', '--out', path.join(ro, 'r.json')], { env: FIX });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not writable/);
    expect(readdirSync(ro)).toEqual([]);
  });
});

describe('running a lab', () => {
  it('prints the human form: header, machine, tables, checks, verdict; no colour when not a TTY', async () => {
    const r = await runCli(['lab', '1', '--quick'], { env: FIX });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('conc lab 1 · passes — Fixture that passes');
    expect(r.stdout).toMatch(/machine: .* cores/);
    expect(r.stdout).toContain('✓ count is positive');
    expect(r.stdout).toMatch(/✓ ok — checks: 1 passed, 0 failed/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stderr).toBe('');
  });

  it('prints exactly one JSON report on stdout with --json, valid against the schema', async () => {
    const r = await runCli(['lab', 'passes', '--quick', '--json', '--seed', '7'], { env: FIX });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc.schema).toBe('conc.report/1');
    expect(doc.seed).toBe(7);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['lab', 'options', 'seed', 'host', 'machine', 'metrics', 'tables', 'charts', 'checks', 'outputs', 'status']));
    expect(schemaErrors(doc)).toEqual([]);
  });

  it('writes the same report atomically with --out while printing the human form', async () => {
    const out = path.join(tmp, 'r.json');
    const r = await runCli(['lab', '1', '--quick', '--out', out], { env: FIX });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ ok');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { schema: string; lab: { slug: string } };
    expect(doc.lab.slug).toBe('passes');
    expect(readdirSync(tmp).filter((f) => f.startsWith('.conc-tmp-'))).toEqual([]);
  });

  it('prints Markdown tables with --format md', async () => {
    const r = await runCli(['lab', '1', '--quick', '--format', 'md'], { env: FIX });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## conc lab 1/);
    expect(r.stdout).toMatch(/\| a \|\n\| ---: \|/);
  });

  it('exits 1 when a check fails', async () => {
    const r = await runCli(['lab', '1', '--quick', '--fail'], { env: FIX });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ count is positive');
    expect(r.stdout).toMatch(/✗ failed/);
  });

  it('exits 1 when the lab throws, with the message; the stack only with --verbose', async () => {
    const r = await runCli(['lab', '2'], { env: FIX });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ error — the fixture lab threw on purpose');
    expect(r.stdout).not.toMatch(/\n\s+at /);
    const v = await runCli(['lab', '2', '--verbose'], { env: FIX });
    expect(v.stdout).toMatch(/RangeError: the fixture lab threw on purpose\n\s+at /);
  });

  it('exits 3 on --timeout, naming the lab and the limit, and leaves no process', async () => {
    const pidFile = path.join(tmp, 'timeout-pids.json');
    const r = await runCli(['lab', '3', '--timeout', '1', '--host', 'process', '--json'], { env: { ...FIX, CONC_FIXTURE_PIDS: pidFile } });
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(6000);
    expect(r.stderr).toContain('lab 3 (hangs) timed out after 1 s');
    expect((JSON.parse(r.stdout) as { status: string }).status).toBe('timeout');
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { child: number; host: number };
    await new Promise((res) => setTimeout(res, 300));
    expect(isRunning(pids.child)).toBe(false);
    expect(isRunning(pids.host)).toBe(false);
  });

  it('exits 3 on --timeout even when the lab is stuck in native code that terminate() cannot stop', async () => {
    const r = await runCli(['lab', '5', '--timeout', '1', '--json'], { env: { CONC_LABS_DIR: path.join(ROOT, 'test/fixtures/labs-stuck') }, timeoutMs: 20_000 });
    const doc = JSON.parse(r.stdout) as { status: string; notes: string[]; error?: { message: string } };
    if (doc.status === 'error') return; // this Node throws where Node 20 spins: nothing gets stuck to test
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(8000);
    expect(doc.status).toBe('timeout');
    expect(doc.notes.join(' ')).toMatch(/did not stop within 2 s of terminate\(\)/);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('exits 130 on %s and leaves no process', async (sig) => {
    const pidFile = path.join(tmp, `int-pids-${sig}.json`);
    let cliPid = 0;
    const p = runCli(['lab', '3', '--host', 'process'], { env: { ...FIX, CONC_FIXTURE_PIDS: pidFile }, onSpawn: (pid) => (cliPid = pid) });
    const t0 = Date.now();
    while (!existsSync(pidFile) && Date.now() - t0 < 10_000) await new Promise((res) => setTimeout(res, 25));
    await new Promise((res) => setTimeout(res, 100));
    process.kill(cliPid, sig);
    const r = await p;
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/✗ interrupted/);
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { child: number; host: number };
    await new Promise((res) => setTimeout(res, 300));
    expect(isRunning(pids.child)).toBe(false);
    expect(isRunning(pids.host)).toBe(false);
  });
});
