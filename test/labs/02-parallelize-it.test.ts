import { describe, expect, it } from 'vitest';
import { amdahl, fitSerialFraction, goldenSection, gustafson } from '../../labs/02-parallelize-it/laws.js';
import { rangeSum } from '../../labs/02-parallelize-it/kernel.js';
import { workerCounts } from '../../labs/02-parallelize-it/sweep.js';
import { runLab } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';

type Report = import('../../src/core/report.js').Report;
type LineChart = import('../../src/core/report.js').LineChart;

/** A timing check is skipped only for others' load measured outside the lab, after its tries (or SMT siblings). */
const BUSY_SKIP = /^the machine stayed busy: other processes used (\d\.\d\d, )*\d\.\d\d cores in [1-3] tr(y|ies) \(limit 0\.3\); last try: /;

function everyCheckPassedOrSkippedWithReason(r: Report): void {
  expect(r.checks.length).toBeGreaterThan(0);
  for (const c of r.checks) {
    if (c.skipped) {
      expect(c.reason, c.name).toBeTruthy();
      if (r.machine.effectiveCores >= 2 && (r.options.workers as number) >= 2 && (r.options.serial as number) <= 0.5)
        expect(c.reason, c.name).toMatch(c.name.startsWith('counters on one cache line') ? /stayed busy|SMT siblings/ : BUSY_SKIP);
    } else expect(c.ok, `${c.name}: ${c.detail ?? ''}`).toBe(true);
  }
}

describe('laws (pure)', () => {
  it('Amdahl and Gustafson give the textbook values', () => {
    expect(amdahl(0.1, 2)).toBeCloseTo(1 / 0.55, 12);
    expect(amdahl(0, 8)).toBe(8);
    expect(amdahl(1, 8)).toBe(1);
    expect(gustafson(0.1, 4)).toBeCloseTo(3.7, 12);
  });

  it('golden section finds the minimum of a parabola', () => {
    expect(goldenSection((x) => (x - 0.3) ** 2, 0, 1)).toBeCloseTo(0.3, 7);
  });

  it('fits the serial fraction back from exact Amdahl speedups', () => {
    for (const s of [0, 0.05, 0.2, 0.5, 1]) {
      const fit = fitSerialFraction([1, 2, 3, 4].map((k) => ({ k, speedup: amdahl(s, k) })));
      expect(fit?.s).toBeCloseTo(s, 6);
      expect(fit?.rms).toBeLessThan(1e-6);
    }
  });

  it('with k = 2 alone, the fit is 2/S(2) - 1, clamped to [0, 1]', () => {
    expect(fitSerialFraction([{ k: 2, speedup: 1.6 }])?.s).toBeCloseTo(2 / 1.6 - 1, 6);
    expect(fitSerialFraction([{ k: 2, speedup: 0.8 }])?.s).toBeCloseTo(1, 6);
    expect(fitSerialFraction([{ k: 2, speedup: 2.5 }])?.s).toBeCloseTo(0, 6);
  });

  it('cannot fit without a point beyond k = 1', () => {
    expect(fitSerialFraction([{ k: 1, speedup: 1 }])).toBeNull();
    expect(fitSerialFraction([])).toBeNull();
  });

  it('any split of the units gives the same checksum', () => {
    const whole = rangeSum(0, 12, 7);
    const split = (rangeSum(0, 5, 7) + rangeSum(5, 12, 7)) >>> 0;
    expect(split).toBe(whole);
    expect(rangeSum(0, 12, 8)).not.toBe(whole);
  });

  it('sweeps every k in a full run and a reduced set otherwise', () => {
    expect(workerCounts(4, 2, false)).toEqual([1, 2, 3, 4]);
    expect(workerCounts(4, 2, true)).toEqual([1, 2, 4]);
    expect(workerCounts(2, 2, true)).toEqual([1, 2]);
    expect(workerCounts(24, 6, false)).toEqual([1, 2, 4, 6, 24]);
  });
});

describe('lab 2: parallelize it', () => {
  it('--quick: speedup table for each k, a 3-series chart, exact counters, a valid report', async () => {
    const r = await runLab(2, ['--quick']);
    expect(r.error, r.error?.stack).toBeUndefined();
    expect(schemaErrors(r)).toEqual([]);
    everyCheckPassedOrSkippedWithReason(r);

    const W = r.options.workers as number;
    const ks = workerCounts(W, Math.min(r.machine.effectiveCores, W), true);
    const amdahlTable = r.tables.find((t) => t.title.startsWith('Amdahl'));
    expect(amdahlTable?.rows.map((row) => row.k)).toEqual(ks);
    for (const row of amdahlTable?.rows ?? []) {
      expect((row.time as { value: number }).value).toBeGreaterThan(0);
      expect((row.speedup as { value: number }).value).toBeGreaterThan(0);
    }
    // The ideal (k) is drawn in the chart, not repeated as a column.
    expect(amdahlTable?.columns.map((c) => c.key)).not.toContain('ideal');
    expect(r.tables.find((t) => t.title.startsWith('Gustafson'))?.rows.length).toBeGreaterThan(0);
    expect(r.tables.find((t) => t.title === 'Hardware')?.rows.length).toBeGreaterThanOrEqual(6);

    const chart = r.charts.find((c) => c.type === 'line') as LineChart | undefined;
    expect(chart?.x).toEqual(ks);
    expect(chart?.series).toHaveLength(3);
    expect(chart?.series.map((s) => s.name)).toEqual(['measured', expect.stringMatching(/^Amdahl s=/), 'ideal']);

    // Counters: 2 ops x 3 layouts x (warmup + repeat) runs per try, each 2 x increments, exactly.
    const fsTable = r.tables.find((t) => t.title.startsWith('False sharing'));
    expect(fsTable?.rows).toHaveLength(6);
    const counters = r.checks.find((c) => c.name === 'false-sharing counters add up exactly');
    expect(counters?.ok).toBe(true);
    expect(r.checks.map((c) => c.name)).toContain('counters on one cache line are slower than padded ones (>= 1.5x)');
    // A busy machine measures again (whole tries of rounds): the check covers every run, the output the last try.
    const perTry = 6 * ((r.options.warmup as number) + (r.options.repeat as number));
    const runs = Number(/^(\d+) runs x 2 workers/.exec(counters?.detail ?? '')?.[1]);
    expect(runs % perTry).toBe(0);
    expect(r.outputs.falseSharingTotal).toBe(perTry * 2 * (r.options.increments as number));

    expect(r.checks.find((c) => c.name === 'every job computes the same checksum')?.ok).toBe(true);
    expect(r.outputs.checksum).toMatch(/^[0-9a-f]{8}$/);
    expect(r.metrics.filter((m) => m.name === 'job time').map((m) => m.variant.k)).toEqual(ks);
    expect(r.headline).toBeDefined();
  });

  it('--workers 2 --serial 0.5: reports the fitted serial fraction and checks it against 0.5', async () => {
    const r = await runLab(2, ['--workers', '2', '--serial', '0.5', '--quick']);
    expect(r.error, r.error?.stack).toBeUndefined();
    expect(schemaErrors(r)).toEqual([]);
    everyCheckPassedOrSkippedWithReason(r);
    const fitCheck = r.checks.find((c) => c.name.startsWith('fitted serial fraction within'));
    expect(fitCheck).toBeDefined();
    if (r.machine.effectiveCores >= 2) {
      // The fit is reported whether or not this machine could give the workers two cores.
      const fitted = r.metrics.find((m) => m.name === 'fitted serial fraction');
      expect(fitted?.samples.length).toBe(r.options.repeat);
      expect(r.headline?.label).toMatch(/^fitted serial fraction/);
      expect(r.tables.find((t) => t.title.startsWith('Amdahl'))?.columns.map((c) => c.label)).toContainEqual(expect.stringMatching(/^Amdahl, fit s=\d\.\d{3}$/));
      if (fitCheck?.skipped) {
        // Only when other processes kept the machine busy in every try, never for the workers' own figures.
        expect(fitCheck.reason).toMatch(BUSY_SKIP);
      } else {
        expect(fitCheck?.detail).toMatch(/fit s = [01]\.\d{3} from S\(2\) = .*configured 0\.500.*others' load/);
        const fitted = Number(/fit s = ([01]\.\d{3})/.exec(fitCheck?.detail ?? '')?.[1]);
        expect(Math.abs(fitted - 0.5)).toBeLessThanOrEqual(0.15);
      }
    } else {
      expect(fitCheck?.skipped).toBe(true);
      expect(fitCheck?.reason).toMatch(/core/);
    }
    expect(r.tables.find((t) => t.title.startsWith('Amdahl'))?.rows.map((row) => row.k)).toEqual([1, 2]);
  });
});
