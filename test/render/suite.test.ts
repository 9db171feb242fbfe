/**
 * The suite summary at a terminal's width: twelve labs with long headlines
 * and every status still fit 80 columns, with every lab's wall time in the
 * table; a wide terminal (or none) gets the whole table.
 */
import { describe, expect, it } from 'vitest';
import type { Suite, SuiteLab } from '../../src/core/suite.js';
import { machine } from '../../src/measure/machine.js';
import { fmtHeadline, labLine, renderSuiteMarkdown, renderSuiteText } from '../../src/render/suite.js';
import { makeStyle } from '../../src/render/style.js';

const STATUSES: SuiteLab['status'][] = ['ok', 'ok', 'failed', 'ok', 'error', 'timeout', 'ok', 'ok', 'interrupted', 'not-run', 'error', 'ok'];

function suite(): Suite {
  const labs: SuiteLab[] = STATUSES.map((status, i) => ({
    id: i + 1,
    slug: ['speed-it-up', 'parallelize-it', 'life-of-a-thread', 'synchronization', 'communication', 'debug-and-benchmark', 'pools-and-executors', 'async-and-event-loops', 'streams-and-backpressure', 'gpu-kernels', 'a-broken-lab-with-a-long-slug', 'twelve'][i] as string,
    title: `Lab ${i + 1}`,
    status,
    broken: i === 10,
    checks: status === 'not-run' || i === 10 ? { passed: 0, failed: 0, skipped: 0 } : { passed: 10 + i, failed: status === 'failed' ? 2 : 0, skipped: i % 3 },
    wallMs: status === 'not-run' || i === 10 ? null : [850, 6430, 12_000, 2800, 3780, 125_000, 4100, 990, 15_500, 0, 0, 61_000][i] as number,
    headline:
      status === 'ok' || status === 'failed'
        ? { label: ['cpu speedup, 2 threads', 'fitted serial fraction (configured 0.1, tolerance 0.1)', 'process vs thread start-up'][i % 3] as string, value: 1.234 + i, unit: 'x' }
        : null,
    error:
      status === 'error' || status === 'timeout' || status === 'interrupted'
        ? { name: 'Error', message: `lab ${i + 1} went wrong in a way that takes a long sentence to describe, with a path /work/a/very/long/path/to/somewhere` }
        : null,
  }));
  return {
    schema: 'conc.suite/1',
    status: 'interrupted',
    startedAt: new Date(0).toISOString(),
    durationMs: 246_000,
    machine: machine(),
    settings: { quick: true, repeat: null, warmup: null, seed: 42, timeoutS: 120, host: 'worker', only: null, skip: null },
    labs,
    counts: { ok: 6, failed: 1, error: 2, timeout: 1, interrupted: 1, 'not-run': 1 },
    reports: [],
  };
}

const width = (s: string): number => [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;

describe('renderSuiteText at a width', () => {
  for (const w of [80, 100, 120]) {
    it(`fits ${w} columns, with every lab and its wall time in the table`, () => {
      const s = suite();
      const text = renderSuiteText(s, makeStyle(true, w));
      const lines = text.split('\n');
      for (const l of lines) expect(width(l), l).toBeLessThanOrEqual(w);
      const plain = renderSuiteText(s, makeStyle(false, w));
      for (const r of s.labs) {
        const row = plain.split('\n').find((l) => new RegExp(`^│\\s+${r.id} │ ${r.slug}\\s`).test(l));
        expect(row, `row of lab ${r.id}`).toBeDefined();
        if (r.wallMs !== null) expect(row).toContain(r.wallMs < 1000 ? `${r.wallMs} ms` : 's │');
      }
      expect(plain).toMatch(/2 min 5 s/);
      // Every headline is shown whole, in the table or below it.
      for (const r of s.labs) if (r.headline) expect(plain.replace(/[\s│]+/g, ' ')).toContain(fmtHeadline(r.headline));
      expect(plain).toContain('checks: passed/failed/skipped');
    });
  }

  it('is the whole table, one row a line, where there is room', () => {
    const s = suite();
    const text = renderSuiteText(s, makeStyle(false, 400));
    expect(text).toMatch(/│ lab │ slug\s+│ status\s+│ passed │ failed │ skipped │\s+wall │ headline\s+│/);
    expect(text).not.toContain('checks: passed/failed/skipped');
    expect(text.split('\n').filter((l) => l.startsWith('│')).length).toBe(1 + s.labs.length);
  });

  it('writes each progress line within the width, cutting the headline or error first', () => {
    const st = makeStyle(false, 80);
    for (const r of suite().labs) {
      const l = labLine(r, st);
      expect(width(l), l).toBeLessThanOrEqual(80);
      expect(l).toMatch(new RegExp(`^. lab ${r.id} · ${r.slug} · `));
      if (r.wallMs !== null) expect(l).toMatch(/ · [\d.]+ (ms|s|min)/);
    }
    const whole = labLine(suite().labs[1] as SuiteLab, makeStyle(false, Infinity));
    expect(whole).toBe('✓ lab 2 · parallelize-it · ok · 6.43 s · checks 11 passed, 0 failed, 1 skipped · fitted serial fraction (configured 0.1, tolerance 0.1) 2.23x');
  });

  it('Markdown keeps one row per lab whatever the width', () => {
    const md = renderSuiteMarkdown(suite());
    expect(md.split('\n').filter((l) => /^\| \d+ /.test(l))).toHaveLength(12);
  });
});
