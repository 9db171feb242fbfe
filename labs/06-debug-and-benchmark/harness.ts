/**
 * The sampling harness turned on itself: calibrate a busy loop to a target
 * duration, then measure it with ctx.sample cold (no warm-up, a copy V8 has
 * never compiled) and warm (after warm-up runs), and report what the
 * statistics say: median with its 95% CI, outliers, a histogram.
 *
 * Both clocks are shown. Wall time includes the time the thread waited for a
 * core, so on a busy machine it measures the machine as much as the loop;
 * CPU time (process.cpuUsage: this process's threads, and only this thread
 * is busy here) is what the loop cost. Calibration and the check use CPU time.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { HistogramChart } from '../../src/core/report.js';
import { median, outliers } from '../../src/measure/stats.js';
import { fmtNum } from '../../src/render/format.js';

/** A count with thousands separators (1,068,447), as in the tables. */
const count = (n: number): string => n.toLocaleString('en-US');

const SPIN_SOURCE = 'let x = seed | 1; for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; } return x;';
export type Spin = (n: number, seed: number) => number;
let copies = 0;

/**
 * A fresh copy of the busy loop. Its source text differs from every earlier
 * copy (a comment), so V8 shares no compiled code or type feedback with them:
 * the copy starts in the interpreter, as a function in a new program does.
 * Copies of one function literal would share their feedback and optimised code.
 */
function freshSpin(): Spin {
  return new Function('n', 'seed', `${SPIN_SOURCE}\n// copy ${copies++}`) as Spin;
}

let sink = 0;
/** CPU ms of one call. */
function cpuOnce(spin: Spin, n: number): number {
  const c0 = process.cpuUsage();
  sink ^= spin(n, sink);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

// Calibration: many batches of about 1 ms and their median, so that the odd
// batch disturbed by a cache-hungry neighbour or an interrupt is ignored.
const CALIBRATION_BATCH_MS = 1;
const CALIBRATION_RUNS = 31;

interface Calibration {
  spin: Spin;
  batch: number;
}

/** A warmed-up copy and a batch size that takes about CALIBRATION_BATCH_MS. */
function calibrationLoop(): Calibration {
  const spin = freshSpin();
  for (let i = 0; i < 30; i++) cpuOnce(spin, 50_000);
  let batch = 10_000;
  while (cpuOnce(spin, batch) < CALIBRATION_BATCH_MS && batch < 2 ** 30) batch *= 2;
  return { spin, batch };
}

/** Iterations per CPU ms, from the median of CALIBRATION_RUNS batches. */
function rate(cal: Calibration): number {
  return cal.batch / median(Array.from({ length: CALIBRATION_RUNS }, () => cpuOnce(cal.spin, cal.batch)));
}

/**
 * The first sample of a copy V8 has never run costs at least this much more
 * CPU than its median: JIT warm-up. Measured here (2 ms target, 28 runs): a
 * new copy 1.33x to 4.3x; a copy calibration had already run (the fault this
 * check guards) 0.91x to 1.19x.
 */
const COLD_MIN = 1.25;

/** Beyond this change of speed between the calibrations before and after sampling, comparing with either means nothing. */
const MAX_DRIFT = 0.5;

export interface HarnessOptions {
  /** What the busy loop is calibrated to take, CPU ms. */
  targetMs: number;
  bins: number;
  /** How far the harness's median may stray from the calibration (0.25: 25%). */
  tolerance: number;
  /** The harness under test; ctx.sample unless a fault test gives a broken one. */
  sample?: LabContext<unknown>['sample'];
  /** A copy of the loop V8 has never run; a fault test returns the warmed one instead. */
  copy?: (warmed: Spin) => Spin;
}

export async function harness(ctx: LabContext<unknown>, o: HarnessOptions): Promise<void> {
  const { targetMs, bins, tolerance } = o;
  const sample = o.sample ?? ((fn, opts) => ctx.sample(fn, opts));
  const copy = o.copy ?? (() => freshSpin());
  ctx.progress('calibrating the busy loop', 0);
  const cal = calibrationLoop();
  const perMs = rate(cal);
  const iterations = Math.max(1, Math.round(perMs * targetMs));

  const cold = copy(cal.spin);
  ctx.progress('sampling the busy loop, cold', 0.3);
  const coldS = await sample(() => (sink ^= cold(iterations, sink)), { warmup: 0 });
  const warm = copy(cal.spin);
  ctx.progress('sampling the busy loop, warm', 0.6);
  const warmS = await sample(() => (sink ^= warm(iterations, sink)), { warmup: ctx.warmup });
  // Again after sampling: the machine may have changed speed meanwhile.
  const perMsAfter = rate(cal);

  const series = [
    { phase: 'cold', clock: 'wall', s: coldS.wall },
    { phase: 'cold', clock: 'cpu', s: coldS.cpu },
    { phase: 'warm', clock: 'wall', s: warmS.wall },
    { phase: 'warm', clock: 'cpu', s: warmS.cpu },
  ];
  const rows = series.map(({ phase, clock, s }) => {
    const sum = ctx.metric({ name: 'busy loop', unit: 'ms', better: 'lower', variant: { phase, clock, targetMs }, samples: s });
    return {
      phase: phase === 'cold' ? 'cold: no warm-up, new copy' : `warm: ${ctx.warmup} warm-up runs`,
      clock,
      n: sum.n,
      first: s.slice(0, 5).map((x) => fmtNum(x)).join(' '),
      ratio: (s[0] as number) / sum.median,
      median: { value: sum.median, low: sum.ci.low, high: sum.ci.high },
      mad: sum.mad,
      max: sum.max,
      outliers: sum.outliers,
    };
  });
  ctx.table({
    title: `Sampling harness on a busy loop calibrated to ${fmtNum(targetMs)} ms of CPU (${count(iterations)} iterations)`,
    columns: [
      { key: 'phase', label: 'phase' },
      { key: 'clock', label: 'clock' },
      { key: 'n', label: 'n' },
      { key: 'first', label: 'first 5 samples', unit: 'ms' },
      { key: 'ratio', label: 'first/median', unit: 'x' },
      { key: 'median', label: 'median (95% CI)', unit: 'ms' },
      { key: 'mad', label: 'MAD', unit: 'ms' },
      { key: 'max', label: 'max', unit: 'ms' },
      { key: 'outliers', label: 'outliers' },
    ],
    rows,
    note:
      `calibration: ${count(Math.round(perMs))} iterations per CPU ms before sampling, ${count(Math.round(perMsAfter))} after ` +
      `(median of ${CALIBRATION_RUNS} batches of ${count(cal.batch)}). median (95% CI): the median and its 95% confidence interval. Outliers: modified z-score |0.6745 (x - median) / MAD| > 3.5. ` +
      'Wall above CPU: time spent waiting for a core.',
  });
  ctx.chart(histogramOf(warmS.wall, bins, `Busy loop, warm, wall time: ${warmS.wall.length} samples`));

  const cpuMedian = median(warmS.cpu);
  const before = iterations / perMs;
  const after = iterations / perMsAfter;
  const [lo, hi] = [Math.min(before, after), Math.max(before, after)];
  const name = `harness median within ${100 * tolerance}% of calibration`;
  if (hi / lo - 1 > MAX_DRIFT) {
    ctx.skip(name, `loop speed drifted ${fmtNum(100 * (hi / lo - 1), 2)}%`);
  } else {
    // The expected time lies between the two calibrations; the tolerance applies around that bracket.
    const [okLo, okHi] = [(1 - tolerance) * lo, (1 + tolerance) * hi];
    ctx.check(
      name,
      cpuMedian >= okLo && cpuMedian <= okHi,
      `CPU ${fmtNum(cpuMedian)} ms, calibrated ${fmtNum(lo)}–${fmtNum(hi)}`,
    );
  }
  const coldRatio = (coldS.cpu[0] as number) / median(coldS.cpu);
  ctx.check(
    `first cold sample costs ≥ ${Math.round(100 * (COLD_MIN - 1))}% more CPU`,
    coldRatio >= COLD_MIN,
    `${fmtNum(coldRatio)}x the cold median (warm: ${fmtNum((warmS.cpu[0] as number) / cpuMedian)}x)`,
  );
}

/**
 * Even bins from the smallest sample to the largest one that is not an
 * outlier, then one bin for the high outliers: a single 20 ms hiccup would
 * otherwise squeeze every ordinary sample into the first bin.
 */
export function histogramOf(xs: readonly number[], bins: number, title: string): HistogramChart {
  const out = new Set(outliers(xs));
  const normal = xs.filter((_, i) => !out.has(i));
  const lo = Math.min(...xs);
  const hiNormal = Math.max(...(normal.length ? normal : xs));
  const width = (hiNormal - lo) / bins || 1e-6;
  const counts = new Array<number>(bins).fill(0);
  let high = 0;
  let highMax = hiNormal;
  for (const x of xs) {
    if (x > hiNormal) {
      high++;
      highMax = Math.max(highMax, x);
    } else {
      const k = Math.min(bins - 1, Math.floor((x - lo) / width));
      counts[k] = (counts[k] ?? 0) + 1;
    }
  }
  const chartBins = counts.map((count, i) => ({ low: lo + i * width, high: lo + (i + 1) * width, count }));
  if (high > 0) chartBins.push({ low: hiNormal, high: highMax, count: high });
  return { type: 'histogram', title: high ? `${title} (last bin: ${high} high outliers)` : title, unit: 'ms', bins: chartBins };
}
