/**
 * --format junit and --format csv: JUnit XML with a testcase per check (failed,
 * skipped, and an error case for a lab that did not finish), escaped; CSV with
 * a row per raw sample, quoted so that it parses back to the same values.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { renderCsv } from '../../src/render/csv.js';
import { renderJunit } from '../../src/render/junit.js';

function report(over: Partial<Report> = {}): Report {
  return {
    schema: 'conc.report/1',
    lab: { id: 4, slug: 'synchronization', title: 'Sync' },
    options: {},
    seed: 42,
    host: 'worker',
    machine: {} as Report['machine'],
    startedAt: '2026-11-26T00:00:00.000Z',
    durationMs: 1234,
    metrics: [
      { name: 'meals/s', unit: 'meals/s', variant: { strategy: 'naive, "quoted"' }, better: 'higher', samples: [1, 2.5], summary: {} as never },
      { name: 'wall', unit: 'ms', variant: {}, better: 'lower', samples: [3], summary: {} as never },
    ],
    tables: [],
    charts: [],
    checks: [
      { name: 'no two <neighbours> eat at once', ok: true, skipped: false, detail: 'fine' },
      { name: 'deadlock-free strategies finish', ok: false, skipped: false, detail: 'ordered & waiter stalled\x1b[2J' },
      { name: 'waves', ok: false, skipped: true, reason: 'one core' },
    ],
    outputs: {},
    notes: [],
    status: 'failed',
    ...over,
  } as Report;
}

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;

describe('renderJunit', () => {
  it('has a testcase per check, a failure and a skip where the checks say so', () => {
    const x = renderJunit([report()]);
    expect(x.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(count(x, /<testcase /g)).toBe(3);
    expect(count(x, /<failure /g)).toBe(1);
    expect(count(x, /<skipped /g)).toBe(1);
    expect(x).toContain('<testsuites name="conc" tests="3" failures="1" errors="0" skipped="1"');
    expect(x).toContain('classname="conc.lab04.synchronization"');
  });
  it('escapes markup and control characters', () => {
    const x = renderJunit([report()]);
    expect(x).toContain('name="no two &lt;neighbours&gt; eat at once"');
    expect(x).toContain('ordered &amp; waiter stalled\\x1b[2J');
    expect(x).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
  });
  it('adds an error case for a lab that errored or timed out', () => {
    const x = renderJunit([report({ status: 'timeout', checks: [], error: { name: 'TimeoutError', message: 'lab 4 timed out after 1 s' } })]);
    expect(count(x, /<error /g)).toBe(1);
    expect(x).toContain('message="lab 4 timed out after 1 s"');
    expect(x).toContain('errors="1"');
  });
});

/** A small RFC 4180 reader, enough to read renderCsv's output back. */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (q) {
      if (c === '"' && s[i + 1] === '"') (f += '"'), i++;
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(f), (f = '');
    else if (c === '\r' && s[i + 1] === '\n') row.push(f), rows.push(row), (row = []), (f = ''), i++;
    else f += c;
  }
  return rows;
}

describe('renderCsv', () => {
  it('writes one row per sample that reads back to the same values', () => {
    const rows = parseCsv(renderCsv([report()]));
    expect(rows[0]).toEqual(['lab', 'slug', 'metric', 'unit', 'better', 'variant', 'sample', 'value']);
    expect(rows.slice(1)).toEqual([
      ['4', 'synchronization', 'meals/s', 'meals/s', 'higher', 'strategy=naive, "quoted"', '0', '1'],
      ['4', 'synchronization', 'meals/s', 'meals/s', 'higher', 'strategy=naive, "quoted"', '1', '2.5'],
      ['4', 'synchronization', 'wall', 'ms', 'lower', '', '0', '3'],
    ]);
  });
});
