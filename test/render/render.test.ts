import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/render/chart.js';
import { fmtCell, fmtNum, wrap } from '../../src/render/format.js';
import { markdownTable } from '../../src/render/markdown.js';
import { makeStyle } from '../../src/render/style.js';
import { renderTable } from '../../src/render/text.js';

describe('number and cell formatting', () => {
  it('keeps three significant digits and prints integers whole', () => {
    expect(fmtNum(1234.5)).toBe('1,235');
    expect(fmtNum(12.345)).toBe('12.3');
    expect(fmtNum(0.012345)).toBe('0.0123');
    expect(fmtNum(5)).toBe('5');
    expect(fmtNum(NaN)).toBe('–');
  });
  it('formats ranges, ratios and missing cells', () => {
    expect(fmtCell({ value: 12.34, low: 11.9, high: 13.01 }, { key: 'a', label: 'a', unit: 'ms' })).toBe('12.3 (11.9–13.0)');
    expect(fmtCell(1.953, { key: 'a', label: 'a', unit: 'x' })).toBe('1.95x');
    expect(fmtCell(null, { key: 'a', label: 'a' })).toBe('–');
    expect(fmtCell(true, { key: 'a', label: 'a' })).toBe('yes');
  });
  it('wraps text and cuts with an ellipsis past maxLines', () => {
    expect(wrap('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrap('aa bb cc dd ee', 5, 2)).toEqual(['aa bb', 'cc dd…']);
  });
});

describe('tables', () => {
  const t = {
    title: 'Speed',
    columns: [
      { key: 'v', label: 'variant' },
      { key: 'ms', label: 'wall', unit: 'ms' },
    ],
    rows: [
      { v: 'seq', ms: 10 },
      { v: 'workers', ms: 5.25 },
    ],
    highlight: [1],
  };
  it('draws an aligned text table with units in the header and marks the highlighted row', () => {
    const out = renderTable(t, makeStyle(false, 80));
    expect(out).toContain('wall (ms)');
    expect(out).toMatch(/workers ★\s+│\s+5\.25/);
    expect(out).not.toMatch(/\x1b\[/);
  });
  it('draws a GitHub Markdown table', () => {
    expect(markdownTable(t)).toBe(
      ['**Speed**', '', '| variant | wall (ms) |', '| :--- | ---: |', '| seq | 10 |', '| **workers** ★ | 5.25 |'].join('\n'),
    );
  });
});

describe('charts', () => {
  it('draws each line series with its own glyph and a legend', () => {
    const out = renderChart(
      { type: 'line', title: 'Speedup', xLabel: 'workers', yLabel: 'speedup', x: [1, 2, 3, 4], series: [{ name: 'measured', values: [1, 1.8, 1.9, 1.9] }, { name: 'ideal', values: [1, 2, 3, 4] }] },
      80,
    );
    expect(out).toContain('● measured');
    expect(out).toContain('○ ideal');
    const rows = out.split('\n');
    // The ideal line reaches the top row (y = 4) at the right end; the measured one does not.
    const top = rows.find((r) => r.includes('┤')) ?? '';
    expect(top).toContain('○');
    expect(top).not.toContain('●');
  });
  it('draws bars proportional to their values', () => {
    const out = renderChart({ type: 'bar', title: 'B', unit: 'ms', bars: [{ label: 'a', value: 10 }, { label: 'b', value: 5 }] }, 80);
    const [a, b] = out.split('\n').slice(1).map((l) => (l.match(/█/g) ?? []).length);
    expect(a).toBe(2 * (b ?? 0));
  });
  it('draws a timeline with the state of each lane over time', () => {
    const out = renderChart(
      {
        type: 'timeline',
        title: 'T',
        unit: 'ms',
        start: 0,
        end: 100,
        states: { thinking: '.', eating: 'E' },
        lanes: [{ name: 'P0', segments: [{ start: 0, end: 50, state: 'thinking' }, { start: 50, end: 100, state: 'eating' }] }],
      },
      60,
    );
    const lane = out.split('\n').find((l) => l.includes('P0')) ?? '';
    const body = lane.slice(lane.indexOf('P0') + 3).trim();
    expect(body).toMatch(/^\.+E+$/);
    expect((body.match(/E/g) ?? []).length).toBe((body.match(/\./g) ?? []).length);
  });
});
