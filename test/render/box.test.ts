/**
 * Output fits the terminal: box tables at natural width when they fit or
 * without a terminal, narrowed and wrapped (nothing cut off) when not, and
 * printed as row blocks when even the narrowest layout is too wide; prose
 * wraps; the CLI renders for $COLUMNS or the terminal, full width without one.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { box, fitWidths, wrapCell } from '../../src/render/box.js';
import { displayWidth, stripAnsi, wrap } from '../../src/render/format.js';
import { makeStyle, outputWidth } from '../../src/render/style.js';
import { checkLine, renderText } from '../../src/render/text.js';
import { ROOT, runCli } from '../helpers/run-lab.js';

const widest = (s: string): number => Math.max(...s.split('\n').map(displayWidth));
const words = (s: string): string[] => stripAnsi(s).replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ').split(/\s+/).filter(Boolean);

describe('display width', () => {
  it('counts colour codes as nothing, wide characters as two, combining marks as none', () => {
    expect(displayWidth('\x1b[32mok\x1b[39m')).toBe(2);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('±–★')).toBe(3);
  });
});

describe('wrapping', () => {
  it('wraps at spaces, breaks only a word wider than the line, and keeps every character', () => {
    expect(wrapCell('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrapCell('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('x abcdefghij y', 4)).toEqual(['x', 'abcd', 'efgh', 'ij y']);
    expect(wrapCell('a\nb', 10)).toEqual(['a', 'b']);
    expect(wrapCell('no limit at all', Infinity)).toEqual(['no limit at all']);
  });
  it('keeps colour codes with their text when it breaks a word', () => {
    const lines = wrapCell('\x1b[31mabcdef\x1b[39m', 3);
    expect(lines.map(stripAnsi)).toEqual(['abc', 'def']);
    expect(lines[0]?.startsWith('\x1b[31m')).toBe(true);
  });
});

describe('fitWidths', () => {
  it('leaves natural widths that fit alone', () => {
    expect(fitWidths([5, 10], [3, 3], 20)).toEqual([5, 10]);
  });
  it('narrows the widest column first, never below its minimum', () => {
    expect(fitWidths([5, 10, 20], [5, 6, 6], 25)).toEqual([5, 10, 10]);
    expect(fitWidths([5, 10, 20], [5, 6, 6], 18)).toEqual([5, 6, 7]);
  });
  it('gives up (null) when the minimums alone are too wide', () => {
    expect(fitWidths([10, 10], [8, 8], 15)).toBeNull();
  });
});

describe('box', () => {
  const spec = {
    head: ['strategy', 'result'],
    rows: [
      ['naive', 'deadlock P0 → P1 → P2 → P3 → P4 → P0, detected at 298 ms, table empty 5 ms after the stop flag'],
      ['ordered', 'finished'],
    ],
  };
  it('prints the natural width without a terminal', () => {
    const out = box(spec, makeStyle(false, Infinity));
    expect(out).toContain('detected at 298 ms, table empty 5 ms after the stop flag');
  });
  it('fits a narrow terminal by wrapping cells, losing no word', () => {
    for (const width of [80, 60, 40]) {
      const out = box(spec, makeStyle(false, width));
      expect(widest(out)).toBeLessThanOrEqual(width);
      expect(words(out)).toEqual(expect.arrayContaining(words(spec.rows.flat().join(' '))));
      expect(out).toContain('┌');
    }
  });
  it('prints row blocks when even the narrowest columns are too wide', () => {
    const many = { head: Array.from({ length: 12 }, (_, i) => `column${i}`), rows: [Array.from({ length: 12 }, (_, i) => `value${i}`)] };
    const out = box(many, makeStyle(false, 50));
    expect(widest(out)).toBeLessThanOrEqual(50);
    expect(out).not.toContain('┌');
    expect(stripAnsi(out)).toMatch(/column11\s+value11/);
  });
});

describe('a report in a narrow terminal', () => {
  const report = {
    schema: 'conc.report/1',
    lab: { id: 9, slug: 'wide', title: 'A lab with wide output' },
    options: { quick: true, repeat: 3, warmup: 1, aVeryLongOptionName: 'a-very-long-value-that-goes-on-and-on' },
    seed: 42,
    host: 'worker',
    machine: { cpuModel: 'CPU', logicalCores: 2, availableParallelism: 2, effectiveCores: 2, cpuQuota: null, totalMemoryBytes: 1, os: 'Linux', arch: 'x64', node: '20', v8: '11', uv: '1', uvThreadpoolSize: 4, caches: [], cacheLineBytes: null, gpu: 'not probed' },
    startedAt: new Date(0).toISOString(),
    durationMs: 10,
    metrics: [],
    tables: [
      {
        title: 'A table with many columns and long cells that no 60-column terminal can hold at its natural width',
        columns: ['variant', 'wall', 'cpu', 'speedup', 'efficiency', 'notes'].map((k) => ({ key: k, label: k })),
        rows: [{ variant: 'two worker threads', wall: 12.5, cpu: 24.1, speedup: 1.95, efficiency: 0.97, notes: 'the threads overlapped for 98% of the run' }],
      },
    ],
    charts: [],
    checks: [{ name: 'a check with a long name that says what it asserts', ok: true, skipped: false, detail: 'measured 1.95x against a threshold of 1.15x, the range 1.80x-2.02x is above 1' }],
    outputs: {},
    notes: ['a note that is long enough to need wrapping in a terminal of sixty columns, with no word lost'],
    status: 'ok',
  } as unknown as Report;
  it('fits 60 columns in every line', () => {
    const out = renderText(report, makeStyle(false, 60), { chapter: 'x' });
    expect(widest(out)).toBeLessThanOrEqual(60);
    expect(words(out)).toEqual(expect.arrayContaining(['overlapped', 'threshold', 'wrapping', 'lost']));
  });
  it('keeps a check on one line when it fits', () => {
    const c = { name: 'short', ok: true, skipped: false, detail: 'fine' };
    expect(checkLine(c, makeStyle(false, 60))).toBe('  ✓ short — fine');
    expect(checkLine(report.checks[0] as never, makeStyle(false, 60)).split('\n').length).toBeGreaterThan(1);
  });
});

describe('the width the CLI renders for', () => {
  it('is $COLUMNS when set, the terminal columns on a TTY, Infinity otherwise', () => {
    const saved = process.env.COLUMNS;
    try {
      delete process.env.COLUMNS;
      expect(outputWidth({ isTTY: true, columns: 72 })).toBe(72);
      expect(outputWidth({ isTTY: false })).toBe(Infinity);
      process.env.COLUMNS = '50';
      expect(outputWidth({ isTTY: false })).toBe(50);
    } finally {
      if (saved === undefined) delete process.env.COLUMNS;
      else process.env.COLUMNS = saved;
    }
  });
  it('conc compare fits COLUMNS=60, and prints full width without it', async () => {
    const files = ['lab1-run1.json', 'lab1-run2.json', 'suite-1-2.json'].map((f) => path.join(ROOT, 'test/fixtures/reports', f));
    const narrow = await runCli(['compare', ...files], { env: { COLUMNS: '60' } });
    expect(narrow.code).toBe(0);
    expect(widest(narrow.stdout)).toBeLessThanOrEqual(60);
    const full = await runCli(['compare', ...files], { env: { COLUMNS: undefined } });
    expect(widest(full.stdout)).toBeGreaterThan(60);
  });
  it('conc list fits COLUMNS=80 and 40 (the title column goes first), and keeps it without a terminal', async () => {
    for (const cols of [80, 40]) {
      const r = await runCli(['list'], { env: { COLUMNS: String(cols) } });
      expect(r.code).toBe(0);
      expect(widest(r.stdout)).toBeLessThanOrEqual(cols);
      expect(r.stdout).toMatch(/speed-it-up/);
    }
    const full = await runCli(['list'], { env: { COLUMNS: undefined } });
    expect(full.stdout).toMatch(/│ title +│/);
  });
});
