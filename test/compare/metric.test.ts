/** One metric across files: its row, or the note that a file lacks it. */
import { describe, expect, it } from 'vitest';
import { compareMetric, unmatchedMetric } from '../../src/compare/metric.js';
import type { InputMetric } from '../../src/compare/model.js';
import { DEFAULT_SETTINGS } from '../../src/measure/compare.js';

const TEN = Array.from({ length: 10 }, (_, i) => 10 + i);
const lab = { id: 1, slug: 'one' };
const m = (samples: number[], over: Partial<InputMetric> = {}): InputMetric => ({ name: 't', unit: 'ms', better: 'lower', variant: { k: 1 }, samples, ...over });
const labels = ['a', 'b', 'c'];

describe('compareMetric', () => {
  it('compares each later file against the first: medians, ranges, change, p, verdict', () => {
    const warnings: string[] = [];
    const row = compareMetric(lab, [m(TEN), m(TEN.map((x) => 2 * x)), m([...TEN])], labels, DEFAULT_SETTINGS, (w) => warnings.push(w));
    expect(row).toMatchObject({ lab: 1, slug: 'one', metric: 't', unit: 'ms', better: 'lower', variant: { k: 1 }, n: [10, 10, 10], medians: [14.5, 29, 14.5] });
    expect(row?.change[0]).toBeNull();
    expect(row?.change[1]).toBeCloseTo(100, 10);
    expect(row?.change[2]).toBe(0);
    expect(row?.verdict).toEqual([null, 'worse', 'unchanged']);
    expect(row?.regression).toEqual([null, true, false]);
    expect(row?.p[1]).toBeLessThan(0.001);
    expect(row?.ranges[0]?.low).toBeLessThanOrEqual(14.5);
    expect(row?.ranges[0]?.high).toBeGreaterThanOrEqual(14.5);
    expect(warnings).toEqual([]);
  });

  it('is no row without the first file, or with only one file holding it', () => {
    expect(compareMetric(lab, [undefined, m(TEN), m(TEN)], labels, DEFAULT_SETTINGS, () => {})).toBeNull();
    expect(compareMetric(lab, [m(TEN), undefined, undefined], labels, DEFAULT_SETTINGS, () => {})).toBeNull();
  });

  it('leaves a missing middle file empty and compares the rest', () => {
    const row = compareMetric(lab, [m(TEN), undefined, m(TEN)], labels, DEFAULT_SETTINGS, () => {});
    expect(row?.n).toEqual([10, null, 10]);
    expect(row?.medians).toEqual([14.5, null, 14.5]);
    expect(row?.ranges[1]).toBeNull();
    expect([row?.change[1], row?.p[1], row?.significant[1], row?.verdict[1], row?.regression[1]]).toEqual([null, null, null, null, null]);
    expect(row?.verdict[2]).toBe('unchanged');
  });

  it("judges by the first file's `better`, and warns when the files disagree", () => {
    const warnings: string[] = [];
    const row = compareMetric(lab, [m(TEN), m(TEN.map((x) => 2 * x), { better: 'higher' })], labels, DEFAULT_SETTINGS, (w) => warnings.push(w));
    expect(row?.better).toBe('lower');
    expect(row?.verdict[1]).toBe('worse');
    expect(warnings).toEqual([`lab 1 (one) metric "t": "better" differs between files; a's (lower) is used`]);
  });

  it('an empty sample set has no median and no p-value', () => {
    const row = compareMetric(lab, [m(TEN), m([])], labels, DEFAULT_SETTINGS, () => {});
    expect(row?.medians).toEqual([14.5, null]);
    expect(row?.p[1]).toBeNull();
    expect(row?.verdict[1]).toBe('too-few');
  });
});

describe('unmatchedMetric', () => {
  it('names the files that hold the metric and those that do not', () => {
    expect(unmatchedMetric(lab, [m(TEN), undefined, m(TEN)], labels)).toEqual({ lab: 1, slug: 'one', metric: 't', unit: 'ms', variant: { k: 1 }, in: ['a', 'c'], missing: ['b'] });
    expect(unmatchedMetric(lab, [undefined, m(TEN, { unit: 's' })], labels.slice(0, 2))).toMatchObject({ unit: 's', in: ['b'], missing: ['a'] });
  });

  it('is null when every file holds it', () => {
    expect(unmatchedMetric(lab, [m(TEN), m(TEN)], labels.slice(0, 2))).toBeNull();
  });
});
