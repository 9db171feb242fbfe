// Piscina's dispatch cost per task against a raw worker postMessage round
// trip, one task at a time on one thread, measured in the same run and
// interleaved run by run so that load elsewhere hits every variant alike:
//
//   raw postMessage      a Worker that echoes what it is sent (the floor)
//   piscina 'sync'       pool.run(x) on a one-thread pool, atomics 'sync' (its default)
//   piscina 'disabled'   the same with atomics 'disabled' (message events only)
//   conc thread pool     ThreadPoolExecutor.submit(): piscina plus conc's task
//                        envelope (module + export + args, where and when it ran)
//
// The task does nothing (returns its argument), so what is timed is the trip.
// Prints microseconds per task (median of the runs) and each variant's ratio
// to the raw round trip. A benchmark, not a test: it exits 0 whatever the ratio.
//
//   node bench/piscina-dispatch.bench.js [--runs N] [--tasks N]
//
// This file is also the workers' code: piscina's task (the default export) and
// the raw echo worker.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

export default function echo(x) {
  return x;
}

if (!isMainThread && workerData?.echo) parentPort.on('message', (m) => parentPort.postMessage(m));

if (isMainThread) await main();

async function main() {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : dflt;
  };
  const RUNS = arg('--runs', 7);
  const TASKS = arg('--tasks', 3000);
  const { Piscina } = await import('piscina');
  const { Tracker } = await import('../dist/src/hosts/tracker.js');
  const { ThreadPoolExecutor, task } = await import('../dist/src/executors/index.js');
  const here = new URL(import.meta.url);

  const raw = new Worker(here, { workerData: { echo: true } });
  const trip = (x) => new Promise((resolve) => {
    raw.once('message', resolve);
    raw.postMessage(x);
  });
  const pool = (atomics) => new Piscina({ filename: here.href, minThreads: 1, maxThreads: 1, idleTimeout: 60_000, atomics });
  const sync = pool('sync');
  const disabled = pool('disabled');
  const tracker = new Tracker();
  const conc = await ThreadPoolExecutor.create(tracker, { size: 1 });
  const noop = task(here, 'default', 1);

  const variants = {
    'raw postMessage': (i) => trip(i),
    "piscina 'sync'": (i) => sync.run(i),
    "piscina 'disabled'": (i) => disabled.run(i),
    'conc thread pool': () => conc.submit(noop),
  };
  const timeOne = async (f) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < TASKS; i++) await f(i);
    return Number(process.hrtime.bigint() - t0) / 1e3 / TASKS; // µs per task
  };
  try {
    for (const f of Object.values(variants)) await timeOne(f); // warm-up: threads started, code compiled
    const us = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let r = 0; r < RUNS; r++) for (const [k, f] of Object.entries(variants)) us[k].push(await timeOne(f));
    const median = (xs) => {
      const s = [...xs].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
    };
    const base = median(us['raw postMessage']);
    console.log(`piscina dispatch: one task at a time on one thread, ${TASKS} tasks, median of ${RUNS} interleaved runs`);
    for (const [k, xs] of Object.entries(us)) {
      const m = median(xs);
      console.log(`  ${k.padEnd(20)} ${m.toFixed(1).padStart(7)} µs/task  ${(m / base).toFixed(2)}x raw  (runs ${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`);
    }
  } finally {
    await raw.terminate();
    await Promise.all([sync.destroy(), disabled.destroy()]);
    await tracker.cleanup();
  }
}
