// Harness accuracy: conc's sampling (src/measure/sample.ts, what every lab
// times with) against tinybench's and mitata's on the same calibrated
// function, in the same run. The function is a busy loop calibrated to take
// TARGET ms of CPU; each harness times it in turn, round after round
// (interleaved, so that a burst of load elsewhere hits all three alike).
//
// Prints, per harness: the median of its per-round medians, how far that is
// from the calibration, and its spread (the interquartile range over the
// median, %), then the ratios conc/tinybench and conc/mitata of medians and
// of spreads. Close to 1.00x medians means conc times what the others time;
// a spread ratio near or below 1 means conc is no noisier.
//
//   node bench/harness.bench.js [--target MS] [--rounds N] [--samples N]
import { Bench } from 'tinybench';
import { measure } from 'mitata';
import { sample } from '../dist/src/measure/sample.js';
import { median, quantile } from '../dist/src/measure/stats.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : dflt;
};
const TARGET = arg('--target', 1); // ms per call
const ROUNDS = arg('--rounds', 5);
const SAMPLES = arg('--samples', 60);

let sink = 0;
function spin(n) {
  let x = sink | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  sink = x;
  return x;
}

// Calibrate on CPU time: iterations per ms from the median of 31 batches.
for (let i = 0; i < 50; i++) spin(50_000);
function cpuMs(n) {
  const c0 = process.cpuUsage();
  spin(n);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}
let batch = 10_000;
while (cpuMs(batch) < 2 && batch < 2 ** 30) batch *= 2;
const perMs = batch / median(Array.from({ length: 31 }, () => cpuMs(batch)));
const N = Math.max(1, Math.round(perMs * TARGET));
const fn = () => spin(N);

const spread = (xs) => {
  const m = median(xs);
  return ((quantile(xs, 0.75) - quantile(xs, 0.25)) / m) * 100;
};

async function withConc() {
  const r = await sample(fn, { warmup: 10, repeat: SAMPLES });
  return r.wall;
}
async function withTinybench() {
  const bench = new Bench({ iterations: SAMPLES, time: 0, warmupIterations: 10, warmupTime: 0, retainSamples: true });
  bench.add('spin', fn);
  await bench.run();
  const t = bench.tasks[0];
  const s = t?.result?.latency?.samples;
  if (!s || s.length === 0) throw new Error(`tinybench gave no samples (${t?.result?.state ?? 'no result'})`);
  return [...s];
}
async function withMitata() {
  const st = await measure(fn, { min_samples: SAMPLES, max_samples: SAMPLES, warmup_samples: 10, min_cpu_time: 0, batch_samples: 0 });
  return st.samples.map((ns) => ns / 1e6);
}

const harnesses = { conc: withConc, tinybench: withTinybench, mitata: withMitata };
const rounds = Object.fromEntries(Object.keys(harnesses).map((k) => [k, { medians: [], spreads: [], n: 0 }]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, h] of Object.entries(harnesses)) {
    const xs = await h();
    rounds[name].medians.push(median(xs));
    rounds[name].spreads.push(spread(xs));
    rounds[name].n = xs.length;
  }
}

console.log(`harness accuracy: a busy loop calibrated to ${TARGET} ms of CPU (${N} iterations), ${ROUNDS} interleaved rounds`);
const summary = {};
for (const [name, r] of Object.entries(rounds)) {
  const m = median(r.medians);
  const s = median(r.spreads);
  summary[name] = { m, s };
  console.log(
    `  ${name.padEnd(10)} median ${m.toFixed(4)} ms (${(((m - TARGET) / TARGET) * 100).toFixed(1).padStart(5)}% from calibration)` +
      `  spread (IQR/median) ${s.toFixed(2)}%  n=${r.n} per round`,
  );
}
for (const other of ['tinybench', 'mitata']) {
  const a = summary.conc;
  const b = summary[other];
  console.log(`  conc / ${other.padEnd(9)} medians ${(a.m / b.m).toFixed(3)}x   spreads ${(a.s / b.s).toFixed(2)}x`);
}
