/**
 * --format junit and --format csv from the real CLI, for one lab and for
 * conc lab all; compare refuses them (it has no per-check or per-sample form).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-lab.js';

const env = { CONC_LABS_DIR: path.join(ROOT, 'test/fixtures/labs') };

describe('--format junit and csv', () => {
  it('conc lab N --format junit prints one testcase per check', async () => {
    const r = await runCli(['lab', '1', '--format', 'junit'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="conc lab 1" tests="1" failures="0"/);
    expect(r.stdout).toContain('<testcase classname="conc.lab01.passes" name="count is positive"');
  });
  it('a failed check is a <failure>, and the exit code is still 1', async () => {
    const r = await runCli(['lab', '1', '--fail', '--format', 'junit'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/<failure message="count=1000">/);
  });
  it('conc lab N --format csv prints a row per sample', async () => {
    const r = await runCli(['lab', '1', '--format', 'csv', '--repeat', '4'], { env });
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\r\n');
    expect(rows[0]).toBe('lab,slug,metric,unit,better,variant,sample,value');
    expect(rows.slice(1).map((l) => l.split(',').slice(0, 7).join(','))).toEqual([0, 1, 2, 3].map((i) => `1,passes,loop,ms,lower,mode=a,${i}`));
  });
  it('conc lab all --format junit has a testsuite per lab that ran, an error case for one that threw', async () => {
    const r = await runCli(['lab', 'all', '--only', '1,2', '--format', 'junit'], { env });
    expect(r.code).toBe(1);
    expect((r.stdout.match(/<testsuite /g) ?? []).length).toBe(2);
    expect(r.stdout).toMatch(/<error type="RangeError" message="the fixture lab threw on purpose">RangeError: the fixture lab threw on purpose\n\s+at /);
  });
  it('conc compare refuses them with one line, exit 2', async () => {
    const r = await runCli(['compare', '--format', 'junit', 'a.json', 'b.json']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('conc: --format must be one of text, md, json, got "junit"');
  });
});
