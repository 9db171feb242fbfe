import { describe, expect, it } from 'vitest';
import { compareFiles, regressionReasons } from '../../src/compare/files.js';
import { variantLabel } from '../../src/compare/match.js';
import type { InputFile, InputMetric, InputReport } from '../../src/compare/model.js';
import type { Machine } from '../../src/measure/machine.js';

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
/** 10, 11, ..., 19: median 14.5. */
const TEN = range(10, (i) => 10 + i);

function metric(name: string, samples: number[], variant: InputMetric['variant'] = {}, better: InputMetric['better'] = 'lower', unit = 'ms'): InputMetric {
  return { name, unit, better, variant, samples };
}

function report(id: number, metrics: InputMetric[], extra: Partial<InputReport> = {}): InputReport {
  return { lab: { id, slug: `lab-${id}` }, options: { n: 1 }, seed: 42, status: 'ok', metrics, outputs: { sum: 10 }, ...extra };
}

const file = (label: string, reports: InputReport[], machine: Machine | null = null): InputFile => ({ label, machine, reports });

describe('compareFiles', () => {
  it('matches metrics by lab, name and variant (labels in any order) and compares each', () => {
    const a = file('a', [report(1, [metric('t', TEN, { x: 1, y: 'p' }), metric('t', TEN, { x: 2, y: 'p' })])]);
    const b = file('b', [report(1, [metric('t', TEN.map((v) => 2 * v), { y: 'p', x: 1 }), metric('t', [...TEN], { y: 'p', x: 2 })])]);
    const c = compareFiles([a, b]);
    expect(c.rows).toHaveLength(2);
    expect(c.unmatched).toEqual([]);
    const [r1, r2] = c.rows;
    expect(r1?.variant).toEqual({ x: 1, y: 'p' });
    expect(r1?.verdict).toEqual([null, 'worse']);
    expect(r1?.change[1]).toBeCloseTo(100, 10);
    expect(r2?.verdict).toEqual([null, 'unchanged']);
    expect(c.summary).toMatchObject({ rows: 2, worse: 1, unchanged: 1, regressions: 1 });
    expect(regressionReasons(c)).toEqual(['1 significant regression']);
  });

  it('lists unmatched metrics (other variant, other unit, other lab) instead of dropping them', () => {
    const a = file('a', [report(1, [metric('t', TEN, { k: 1 }), metric('u', TEN)]), report(2, [metric('z', TEN)])]);
    const b = file('b', [report(1, [metric('t', TEN, { k: 2 }), metric('u', TEN, {}, 'lower', 's')])]);
    const c = compareFiles([a, b]);
    expect(c.rows).toEqual([]);
    const list = c.unmatched.map((u) => `${u.lab} ${u.metric} ${u.unit} ${variantLabel(u.variant)} in:${u.in.join(',')} missing:${u.missing.join(',')}`);
    expect(list).toEqual([
      '1 t ms k=1 in:a missing:b',
      '1 u ms  in:a missing:b',
      '1 t ms k=2 in:b missing:a',
      '1 u s  in:b missing:a',
      '2 z ms  in:a missing:b',
    ]);
    expect(c.labs.find((l) => l.lab === 2)?.status).toEqual(['ok', null]);
    expect(c.summary.unmatched).toBe(5);
  });

  it('compares each later file against the first, with 3 files', () => {
    const c = compareFiles([
      file('a', [report(1, [metric('t', TEN)])]),
      file('b', [report(1, [metric('t', TEN.map((v) => v / 2))])]),
      file('c', [report(1, [metric('t', TEN.map((v) => v * 2))])]),
    ]);
    const r = c.rows[0];
    expect(r?.medians).toEqual([14.5, 7.25, 29]);
    expect(r?.change[0]).toBeNull();
    expect(r?.change[1]).toBeCloseTo(-50, 10);
    expect(r?.change[2]).toBeCloseTo(100, 10);
    expect(r?.verdict).toEqual([null, 'better', 'worse']);
    expect(c.geomeans[0]?.ratio[1]).toBeCloseTo(0.5, 12);
    expect(c.geomeans[0]?.ratio[2]).toBeCloseTo(2, 12);
  });

  it('keeps a row when a middle file lacks the metric, and lists it as unmatched', () => {
    const c = compareFiles([file('a', [report(1, [metric('t', TEN)])]), file('b', [report(1, [])]), file('c', [report(1, [metric('t', TEN)])])]);
    expect(c.rows[0]?.medians).toEqual([14.5, null, 14.5]);
    expect(c.rows[0]?.verdict).toEqual([null, null, 'unchanged']);
    expect(c.unmatched[0]).toMatchObject({ in: ['a', 'c'], missing: ['b'] });
  });

  it('has a geomean row per lab of its median ratios', () => {
    const c = compareFiles([
      file('a', [report(1, [metric('t', TEN), metric('u', TEN)]), report(2, [metric('v', TEN)])]),
      file('b', [report(1, [metric('t', TEN.map((x) => 4 * x)), metric('u', [...TEN])]), report(2, [metric('v', TEN.map((x) => x / 2))])]),
    ]);
    expect(c.geomeans.map((g) => g.lab)).toEqual([1, 2]);
    expect(c.geomeans[0]?.ratio[1]).toBeCloseTo(2, 12); // sqrt(4 * 1)
    expect(c.geomeans[0]?.change[1]).toBeCloseTo(100, 10);
    expect(c.geomeans[1]?.ratio[1]).toBeCloseTo(0.5, 12);
  });

  it('flags a deterministic output that differs under the same options and seed as a correctness problem', () => {
    const c = compareFiles([file('a', [report(1, [], { outputs: { sum: 10, n: 3 } })]), file('b', [report(1, [], { outputs: { sum: 11, n: 3 } })])]);
    expect(c.outputs).toHaveLength(1);
    expect(c.outputs[0]).toMatchObject({ lab: 1, key: 'sum', file: 'b', base: 10, value: 11, comparable: true, missingIn: null });
    expect(c.summary.correctness).toBe(1);
    expect(regressionReasons(c)).toEqual(['1 output differs (a correctness problem)']);
  });

  it('says when differing outputs may be explained by other options or another seed', () => {
    const c = compareFiles([
      file('a', [report(1, [], { outputs: { sum: 10 } })]),
      file('b', [report(1, [], { outputs: { sum: 11 }, seed: 7, options: { n: 2 } })]),
    ]);
    expect(c.outputs[0]?.comparable).toBe(false);
    expect(c.outputs[0]?.reason).toBe('options differ: n 1 → 2, seed 42 → 7');
    expect(c.summary.correctness).toBe(0);
    expect(c.labs[0]?.optionsDiffer).toEqual(['', 'n 1 → 2, seed 42 → 7']);
    expect(regressionReasons(c)).toEqual([]);
  });

  it('does not compare the outputs of a lab that did not run to the end, but a missing key is a difference', () => {
    const errored = compareFiles([file('a', [report(1, [])]), file('b', [report(1, [], { status: 'error', outputs: {} })])]);
    expect(errored.outputs).toEqual([]);
    expect(errored.labs[0]?.status).toEqual(['ok', 'error']);
    const missing = compareFiles([file('a', [report(1, [])]), file('b', [report(1, [], { outputs: {} })])]);
    expect(missing.outputs[0]).toMatchObject({ key: 'sum', missingIn: 'file', value: null, comparable: true });
  });

  it('equal outputs, including objects with keys in another order, are no difference', () => {
    const c = compareFiles([
      file('a', [report(1, [], { outputs: { o: { x: 1, y: [1, 2] } } })]),
      file('b', [report(1, [], { outputs: { o: { y: [1, 2], x: 1 } } })]),
    ]);
    expect(c.outputs).toEqual([]);
  });

  it('warns about a lab that appears twice in one file and uses the first', () => {
    const c = compareFiles([file('a', [report(1, [metric('t', TEN)]), report(1, [metric('t', TEN.map((x) => x * 9))])]), file('b', [report(1, [metric('t', TEN)])])]);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/a holds lab 1 \(lab-1\) more than once/);
    expect(c.rows[0]?.verdict[1]).toBe('unchanged');
  });

  it('a file compared with itself has no regression and no output difference', () => {
    const a = file('a', [report(1, [metric('t', TEN), metric('u', [5, 6, 7])])]);
    const c = compareFiles([a, { ...a, label: 'a2' }]);
    expect(c.rows.map((r) => r.verdict[1])).toEqual(['unchanged', 'too-few']);
    expect(c.outputs).toEqual([]);
    expect(regressionReasons(c)).toEqual([]);
  });
});
