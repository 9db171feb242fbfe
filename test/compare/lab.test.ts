/** One lab across files: presence, rows, geomean, unmatched metrics, output differences. */
import { describe, expect, it } from 'vitest';
import { compareLab, geomeanRow, outputDifferences } from '../../src/compare/lab.js';
import { metricsByKey, reportsByLab } from '../../src/compare/match.js';
import { compareMetric } from '../../src/compare/metric.js';
import type { InputMetric, InputReport } from '../../src/compare/model.js';
import { DEFAULT_SETTINGS } from '../../src/measure/compare.js';

const TEN = Array.from({ length: 10 }, (_, i) => 10 + i);
const metric = (name: string, samples: number[], better: InputMetric['better'] = 'lower', variant: InputMetric['variant'] = {}): InputMetric => ({
  name,
  unit: 'ms',
  better,
  variant,
  samples,
});
const report = (metrics: InputMetric[], over: Partial<InputReport> = {}): InputReport => ({
  lab: { id: 2, slug: 'two' },
  options: { n: 1 },
  seed: 42,
  status: 'ok',
  metrics,
  outputs: { sum: 10 },
  ...over,
});

describe('compareLab', () => {
  it('says where the lab is and how it ran, against the first file', () => {
    const c = compareLab([report([]), undefined, report([], { status: 'failed', seed: 7, options: { n: 2 } })], ['a', 'b', 'c'], DEFAULT_SETTINGS, () => {});
    expect(c.presence).toEqual({ lab: 2, slug: 'two', status: ['ok', null, 'failed'], optionsDiffer: ['', '', 'n 1 → 2, seed 42 → 7'] });
    expect(c.rows).toEqual([]);
    expect(c.geomean).toBeNull();
  });

  it('takes the lab from whichever file has it when the first does not', () => {
    const c = compareLab([undefined, report([metric('t', TEN)])], ['a', 'b'], DEFAULT_SETTINGS, () => {});
    expect(c.presence.status).toEqual([null, 'ok']);
    expect(c.unmatched).toMatchObject([{ lab: 2, metric: 't', in: ['b'], missing: ['a'] }]);
    expect(c.outputs).toEqual([]);
  });

  it('a row per metric in both files, in order of first appearance; the rest unmatched', () => {
    const a = report([metric('t', TEN), metric('u', TEN), metric('only-a', TEN)]);
    const b = report([metric('u', TEN.map((x) => 3 * x)), metric('t', TEN), metric('only-b', TEN)]);
    const c = compareLab([a, b], ['a', 'b'], DEFAULT_SETTINGS, () => {});
    expect(c.rows.map((r) => `${r.metric} ${r.verdict[1]}`)).toEqual(['t unchanged', 'u worse']);
    expect(c.unmatched.map((u) => u.metric)).toEqual(['only-a', 'only-b']);
    expect(c.geomean?.ratio[1]).toBeCloseTo(Math.sqrt(3), 12);
  });

  it('warns about a metric recorded twice in one report and uses the first', () => {
    const warnings: string[] = [];
    const c = compareLab([report([metric('t', TEN), metric('t', TEN.map((x) => 9 * x))]), report([metric('t', TEN)])], ['a', 'b'], DEFAULT_SETTINGS, (w) =>
      warnings.push(w),
    );
    expect(warnings).toEqual(['a: lab 2 (two) records metric "t" (no variant) twice; the first is used']);
    expect(c.rows[0]?.verdict[1]).toBe('unchanged');
  });
});

describe('geomeanRow', () => {
  const rows = (a: InputMetric[], b: InputMetric[]) =>
    a.map((m, i) => compareMetric({ id: 2, slug: 'two' }, [m, b[i]], ['a', 'b'], DEFAULT_SETTINGS, () => {})).filter((r) => r !== null);

  it('is 1 for the first file and the geomean of median ratios for each later one', () => {
    const g = geomeanRow(rows([metric('t', TEN), metric('u', TEN)], [metric('t', TEN.map((x) => 4 * x)), metric('u', TEN)]), 2);
    expect(g).toMatchObject({ lab: 2, slug: 'two', ratio: [1, 2], n: [2, 2], better: 'lower', oriented: false });
    expect(g.change[1]).toBeCloseTo(100, 10);
  });

  it('orients higher-is-better ratios when a lab mixes both kinds', () => {
    const g = geomeanRow(rows([metric('t', TEN), metric('ops', TEN, 'higher')], [metric('t', TEN.map((x) => 2 * x)), metric('ops', TEN.map((x) => x / 2), 'higher')]), 2);
    expect(g.oriented).toBe(true);
    expect(g.ratio[1]).toBeCloseTo(2, 10);
  });
});

describe('outputDifferences', () => {
  it('lists outputs that differ from the first file, comparable when options and seed are the same', () => {
    const out = outputDifferences([report([], { outputs: { sum: 10, n: 3, gone: 1 } }), report([], { outputs: { sum: 11, n: 3, extra: 2 } })], ['a', 'b']);
    expect(out.map((o) => [o.key, o.base, o.value, o.missingIn, o.comparable])).toEqual([
      ['sum', 10, 11, null, true],
      ['gone', 1, null, 'file', true],
      ['extra', null, 2, 'base', true],
    ]);
    expect(out[0]).toMatchObject({ lab: 2, slug: 'two', file: 'b', index: 1 });
  });

  it('says why when options or seed differ, and skips reports that did not run to the end', () => {
    const base = report([]);
    const [d] = outputDifferences([base, report([], { outputs: { sum: 12 }, seed: 1 })], ['a', 'b']);
    expect(d).toMatchObject({ comparable: false, reason: 'options differ: seed 42 → 1' });
    expect(outputDifferences([base, report([], { status: 'timeout', outputs: {} })], ['a', 'b'])).toEqual([]);
    expect(outputDifferences([report([], { status: 'error' }), report([], { outputs: {} })], ['a', 'b'])).toEqual([]);
    expect(outputDifferences([undefined, base], ['a', 'b'])).toEqual([]);
  });
});

describe('indexes', () => {
  it('a file by lab (the first report of a lab held twice, with a warning)', () => {
    const warnings: string[] = [];
    const m = reportsByLab({ label: 'f', machine: null, reports: [report([]), report([], { seed: 1 }), report([], { lab: { id: 10, slug: 'ten' } })] }, (w) => warnings.push(w));
    expect([...m.keys()]).toEqual(['002 two', '010 ten']);
    expect(m.get('002 two')?.seed).toBe(42);
    expect(warnings).toEqual(['f holds lab 2 (two) more than once; the first report is used']);
  });

  it('a report by metric: name, unit and variant in any label order', () => {
    const m = metricsByKey(report([metric('t', TEN, 'lower', { a: 1, b: 2 }), metric('t', TEN, 'lower', { b: 2, a: 1 })]), 'f', () => {});
    expect(m.size).toBe(1);
    expect(metricsByKey(undefined, 'f', () => {}).size).toBe(0);
  });
});
