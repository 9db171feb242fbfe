// Ring buffer vs postMessage: 64-byte messages between two worker threads.
//
// Uses the compiled lab 5 code (run `npm run build` first), the same
// endpoints and the same verified runs as `conc lab 5`: a producer worker
// floods a consumer worker, which checks every sequence number and checksum.
// Throughput is measured in one process, interleaved run by run so that a
// burst of load elsewhere hits both transports alike, and summarised by the
// median. A benchmark, not a test: it exits 0 whatever the ratio (with a
// warning below 10x), and 1 only if a message was lost or corrupted.
//
//   node bench/ring-buffer.bench.js [--runs N] [--ms MS] [--verbose]
import { Worker } from 'node:worker_threads';
import { Endpoints } from '../dist/labs/05-communication/endpoints.js';
import { calibrate, throughput } from '../dist/labs/05-communication/flows.js';
import { Payload } from '../dist/labs/05-communication/payload.js';
import { median } from '../dist/src/measure/stats.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 5);
const MS = arg('--ms', 200);
const VERBOSE = process.argv.includes('--verbose');
const SIZE = 64;
const TRANSPORTS = ['postMessage', 'port', 'ring'];
const opts = { seed: 42, timeoutMs: 20_000 };

const workers = [];
const ep = await Endpoints.start((url) => {
  const w = new Worker(url);
  workers.push(w);
  return w;
}, 4, 60_000);

const payload = new Payload(SIZE, opts.seed);
let broken = 0;
const verify = (t, f) => {
  const bad = f.messages - f.received + f.badOrder + f.duplicates + f.missing + f.badChecksum;
  if (bad !== 0 || f.checksum !== payload.total(f.messages)) {
    broken++;
    console.error(`ERROR ${t}: ${f.received} of ${f.messages} received, ${f.badOrder} out of order, ${f.missing} missing, ${f.badChecksum} bad checksums`);
  }
  if (VERBOSE) console.log(`  ${t.padEnd(11)} ${String(f.messages).padStart(8)} msgs ${(f.seconds * 1e3).toFixed(1).padStart(7)} ms ${(f.rate / 1e3).toFixed(0).padStart(6)} k msg/s`);
};

try {
  // Calibrate each transport's message count to about MS per run (warm-up included) ...
  const counts = {};
  for (const t of TRANSPORTS) {
    const plan = { warmup: 2, durationMs: MS, maxCount: 5_000_000 };
    counts[t] = await calibrate(ep, t, SIZE, opts, plan, (f) => verify(t, f));
  }
  // ... then interleave the timed runs.
  const rates = Object.fromEntries(TRANSPORTS.map((t) => [t, []]));
  for (let r = 0; r < RUNS; r++) {
    for (const t of TRANSPORTS) {
      const f = await throughput(ep, t, SIZE, counts[t], opts);
      verify(t, f);
      rates[t].push(f.rate);
    }
  }
  const m = Object.fromEntries(TRANSPORTS.map((t) => [t, median(rates[t])]));
  const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`);
  const ratio = m.ring / m.postMessage;
  console.log(
    `ring buffer vs postMessage, 64 B: ${ratio.toFixed(1)}x (ring ${fmt(m.ring)} msg/s, postMessage ${fmt(m.postMessage)} msg/s; median of ${RUNS})`,
  );
  console.log(`  for reference: MessageChannel port ${fmt(m.port)} msg/s (ring ${(m.ring / m.port).toFixed(1)}x)`);
  if (ratio < 10) console.log(`  warning: below the 10x expected on an idle 2-core machine (load, or fewer cores free?)`);
} finally {
  await Promise.all(workers.map((w) => w.terminate()));
}
if (broken) process.exitCode = 1;
