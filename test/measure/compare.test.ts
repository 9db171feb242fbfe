import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  canonicalVariant,
  compareFiles,
  compareMachines,
  compareSamples,
  directionOf,
  geomeanOfRatios,
  minAttainableP,
  percentChange,
  regressionReasons,
  tooFewSamples,
  variantLabel,
  type InputFile,
  type InputMetric,
  type InputReport,
} from '../../src/measure/compare.js';
import type { Machine } from '../../src/measure/machine.js';

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
/** 10, 11, ..., 19: median 14.5. */
const TEN = range(10, (i) => 10 + i);

describe('minAttainableP and tooFewSamples', () => {
  it('gives 2 / C(na + nb, na), the p of two samples that do not overlap', () => {
    expect(minAttainableP(3, 3)).toBeCloseTo(2 / 20, 12);
    expect(minAttainableP(4, 4)).toBeCloseTo(2 / 70, 12);
    expect(minAttainableP(5, 5)).toBeCloseTo(2 / 252, 12);
    expect(minAttainableP(2, 10)).toBeCloseTo(2 / 66, 12);
    expect(minAttainableP(0, 5)).toBe(1);
  });

  it('flags fewer than 4 samples a side, whatever the other side has', () => {
    expect(tooFewSamples(3, 3, 0.05)).toBe(true);
    expect(tooFewSamples(3, 50, 0.05)).toBe(true);
    expect(tooFewSamples(4, 4, 0.05)).toBe(false);
    expect(tooFewSamples(10, 10, 0.05)).toBe(false);
  });

  it('flags samples too small for a stricter alpha: 4 a side cannot reach 0.01', () => {
    expect(tooFewSamples(4, 4, 0.01)).toBe(true);
    expect(tooFewSamples(5, 5, 0.01)).toBe(false);
  });
});

describe('directionOf and percentChange', () => {
  it('judges a move by the metric: up is worse for lower-is-better, better for higher-is-better', () => {
    expect(directionOf(10, 20, 'lower')).toBe('worse');
    expect(directionOf(10, 5, 'lower')).toBe('better');
    expect(directionOf(10, 20, 'higher')).toBe('better');
    expect(directionOf(10, 5, 'higher')).toBe('worse');
    expect(directionOf(10, 10, 'lower')).toBe('none');
  });

  it('is a percentage of the base median, undefined from a zero base', () => {
    expect(percentChange(10, 20)).toBe(100);
    expect(percentChange(10, 5)).toBe(-50);
    expect(percentChange(0, 0)).toBe(0);
    expect(percentChange(0, 3)).toBeNull();
  });
});

describe('compareSamples', () => {
  it('identical sample sets: p = 1, not significant, unchanged', () => {
    const c = compareSamples(TEN, [...TEN], 'lower');
    expect(c.p).toBe(1);
    expect(c.significant).toBe(false);
    expect(c.verdict).toBe('unchanged');
    expect(c.change).toBe(0);
    expect(c.regression).toBe(false);
  });

  it('a set made twice as slow (n = 10 each) is a significant regression of +100%', () => {
    const c = compareSamples(TEN, TEN.map((x) => 2 * x), 'lower');
    // No overlap: U = 0; normal approximation z = (50 - 0.5) / sqrt(100 * 21 / 12) = 3.742, p = 1.83e-4.
    expect(c.method).toBe('asymptotic');
    expect(c.p).toBeCloseTo(1.83e-4, 5);
    expect(c.significant).toBe(true);
    expect(c.change).toBeCloseTo(100, 10);
    expect(c.medians).toEqual([14.5, 29]);
    expect(c.verdict).toBe('worse');
    expect(c.regression).toBe(true);
  });

  it('the same doubling of a higher-is-better metric is an improvement, not a regression', () => {
    const c = compareSamples(TEN, TEN.map((x) => 2 * x), 'higher');
    expect(c.significant).toBe(true);
    expect(c.verdict).toBe('better');
    expect(c.regression).toBe(false);
    const down = compareSamples(TEN, TEN.map((x) => x / 2), 'higher');
    expect(down.verdict).toBe('worse');
    expect(down.regression).toBe(true);
  });

  it('3 samples a side are flagged too few even for a 100x shift, and never significant', () => {
    const c = compareSamples([1, 2, 3], [100, 200, 300], 'lower');
    expect(c.tooFew).toBe(true);
    expect(c.p).toBeCloseTo(0.1, 12); // exact: 2 / C(6, 3)
    expect(c.significant).toBe(false);
    expect(c.verdict).toBe('too-few');
    expect(c.regression).toBe(false);
  });

  it('overlapping noise is not significant (p > alpha gives ~)', () => {
    const a = [10, 12, 11, 13, 9, 10.5, 12.5, 11.5];
    const b = [11, 10, 12, 13.5, 9.5, 11.2, 10.8, 12.2];
    const c = compareSamples(a, b, 'lower');
    expect(c.p).toBeGreaterThan(0.05);
    expect(c.significant).toBe(false);
    expect(c.verdict).toBe('unchanged');
  });

  it('alpha decides: the same p is significant at 0.05 and not at 0.01', () => {
    // 5 a side, one swap from no overlap: U = 1 of 25, exact p = 2 * 2 / 252 = 0.0159.
    const a = [1, 2, 3, 4, 6];
    const b = [5, 7, 8, 9, 10];
    expect(compareSamples(a, b, 'lower', { alpha: 0.05, thresholdPct: 0 }).significant).toBe(true);
    expect(compareSamples(a, b, 'lower', { alpha: 0.01, thresholdPct: 0 }).significant).toBe(false);
  });

  it('the threshold filters small significant changes', () => {
    const base = range(10, (i) => 100 + i * 0.1);
    const slower = base.map((x) => x * 1.03); // +3%, no overlap
    const at5 = compareSamples(base, slower, 'lower', { alpha: 0.05, thresholdPct: 5 });
    expect(at5.significant).toBe(true);
    expect(at5.change).toBeCloseTo(3, 8);
    expect(at5.verdict).toBe('below-threshold');
    expect(at5.regression).toBe(false);
    const at2 = compareSamples(base, slower, 'lower', { alpha: 0.05, thresholdPct: 2 });
    expect(at2.verdict).toBe('worse');
    expect(at2.regression).toBe(true);
  });

  it('an empty side has no p and is too few', () => {
    const c = compareSamples([], TEN, 'lower');
    expect(Number.isNaN(c.p)).toBe(true);
    expect(c.verdict).toBe('too-few');
  });
});

describe('geomeanOfRatios', () => {
  it('is the geometric mean of the ratios when the metrics agree on better', () => {
    const g = geomeanOfRatios([
      { ratio: 2, better: 'lower' },
      { ratio: 0.5, better: 'lower' },
      { ratio: 4, better: 'lower' },
    ]);
    expect(g.ratio).toBeCloseTo(Math.cbrt(4), 12);
    expect(g.oriented).toBe(false);
    expect(g.better).toBe('lower');
  });

  it('inverts higher-is-better ratios when a lab mixes both, so a slowdown does not cancel out', () => {
    // Time doubled (2) and throughput halved (0.5): both twice as bad.
    const g = geomeanOfRatios([
      { ratio: 2, better: 'lower' },
      { ratio: 0.5, better: 'higher' },
    ]);
    expect(g.oriented).toBe(true);
    expect(g.ratio).toBeCloseTo(2, 12);
    expect(g.better).toBe('lower');
  });

  it('leaves out ratios that are not finite and positive', () => {
    const g = geomeanOfRatios([
      { ratio: 0, better: 'lower' },
      { ratio: Infinity, better: 'lower' },
      { ratio: 3, better: 'lower' },
    ]);
    expect(g.ratio).toBeCloseTo(3, 12);
    expect(g.n).toBe(1);
    expect(geomeanOfRatios([]).ratio).toBeNull();
  });
});

describe('variants and canonical JSON', () => {
  it('matches a variant whatever the order of its labels, and tells types apart', () => {
    expect(canonicalVariant({ a: 1, b: 'x' })).toBe(canonicalVariant({ b: 'x', a: 1 }));
    expect(canonicalVariant({ a: 1 })).not.toBe(canonicalVariant({ a: '1' }));
    expect(canonicalVariant({})).toBe('[]');
  });

  it('labels a variant in the author order', () => {
    expect(variantLabel({ executor: 'piscina', workers: 2 })).toBe('executor=piscina workers=2');
    expect(variantLabel({})).toBe('');
  });

  it('canonical JSON ignores key order, deeply, and keeps array order', () => {
    expect(canonicalJson({ a: { y: 1, x: [2, 1] }, b: 2 })).toBe(canonicalJson({ b: 2, a: { x: [2, 1], y: 1 } }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });
});

// --- compareFiles -----------------------------------------------------------

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

describe('compareMachines', () => {
  const m = (over: Partial<Machine>): Machine => ({
    cpuModel: 'CPU X',
    logicalCores: 8,
    availableParallelism: 8,
    cpuQuota: null,
    effectiveCores: 8,
    memoryBytes: 16 * 1024 ** 3,
    memoryLimitBytes: null,
    os: 'Linux 6.1',
    platform: 'linux',
    arch: 'x64',
    node: '20.19.0',
    v8: '11.3',
    uv: '1.46.0',
    uvThreadpoolSize: 4,
    caches: [],
    cacheLineBytes: 64,
    gpu: { modes: [], note: '' },
    ...over,
  });

  it('marks exactly the fields that differ', () => {
    const fields = compareMachines([m({}), m({ logicalCores: 2, availableParallelism: 2, cpuQuota: 1.5, node: '22.1.0' })]);
    expect(fields.filter((f) => f.differs).map((f) => f.key)).toEqual(['logicalCores', 'cpuQuota', 'node']);
    expect(fields.find((f) => f.key === 'cpuQuota')?.values).toEqual(['none', '1.5 CPUs']);
    expect(fields.find((f) => f.key === 'memoryBytes')?.values).toEqual(['16 GiB', '16 GiB']);
  });

  it('shows ? for an unknown machine', () => {
    const fields = compareMachines([m({}), null]);
    expect(fields.every((f) => f.values[1] === '?' && f.differs)).toBe(true);
  });
});
