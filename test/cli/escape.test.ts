/**
 * Terminal escape injection: strings in report files come from other machines.
 * A CPU model, metric name, variant, output or slug holding ESC[2J, an OSC
 * title sequence, BEL or a bidi override must print escaped (visible), in text
 * and Markdown alike, and so must a user's argument quoted in an error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { visible, visibleDeep } from '../../src/render/format.js';
import { ROOT, runCli } from '../helpers/run-lab.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'conc-escape-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CLEAR = '\x1b[2J';
const TITLE = '\x1b]0;pwned\x07';
const RLO = '\u202e';
// Anything a terminal would act on: C0 controls (newline aside), DEL, C1, bidi overrides.
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function hostile(): string {
  const r = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/reports/lab1-run1.json'), 'utf8'));
  r.machine.cpuModel = `Evil${CLEAR}${TITLE}CPU`;
  r.metrics[0].name = `loop${CLEAR}`;
  r.metrics[0].variant = { [`mode${RLO}`]: `a${TITLE}` };
  r.outputs = { [`sum${CLEAR}`]: `x${TITLE}` };
  const f = path.join(tmp, 'hostile.json');
  writeFileSync(f, JSON.stringify(r));
  return f;
}

describe('visible', () => {
  it('escapes control characters and bidi overrides, keeps printable Unicode', () => {
    expect(visible(`a${CLEAR}b`)).toBe('a\\x1b[2Jb');
    expect(visible(TITLE)).toBe('\\x1b]0;pwned\\x07');
    expect(visible(`x${RLO}y\n\t\x9b`)).toBe('x\\u202ey\\n\\t\\x9b');
    expect(visible('µs ± 5% — 日本 ★')).toBe('µs ± 5% — 日本 ★');
  });
  it('reaches every string of a value, keys included', () => {
    expect(visibleDeep({ [`k${CLEAR}`]: [`v${CLEAR}`, 1, null] })).toEqual({ 'k\\x1b[2J': ['v\\x1b[2J', 1, null] });
  });
});

describe('conc compare with a hostile report', () => {
  const base = path.join(ROOT, 'test/fixtures/reports/lab1-run1.json');
  it.each([['text'], ['md']])('prints no raw control character (%s)', async (format) => {
    const f = hostile();
    const r = await runCli(['compare', base, f, ...(format === 'md' ? ['--format', 'md'] : [])], { env: { COLUMNS: '200' } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stderr).not.toMatch(RAW);
    // Shown, not dropped: the reader sees what the file holds.
    expect(r.stdout).toContain('Evil\\x1b[2J\\x1b]0;pwned\\x07CPU');
    expect(r.stdout).toContain('mode\\u202e');
  });
});

describe('an argument with control characters in an error', () => {
  it('is quoted escaped on stderr, exit 2', async () => {
    const r = await runCli(['lab', '1', '--workers', `2${CLEAR}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toContain('\\x1b[2J');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
