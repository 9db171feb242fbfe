#!/usr/bin/env node
/**
 * npm run fuzz -- [--runs N] [--seed S] [--jobs J] [--verbose] [--bin FILE]
 *
 * Runs N bad command lines (test/fuzz/cases.js) against bin/conc.js, J at a time,
 * and prints the figures: cases, failures (with the command line to repeat
 * each), time per case. Exit 1 when a case failed. The seed is printed, so a
 * run can be repeated exactly. --bin runs the cases against another build's
 * bin/conc.js (e.g. an older checkout), with the flags learned from this one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUSY_CORES, LIMIT_MS, describeFailure, figures, generate, loadContext, runCases } from './cases.js';

function parseArgs(argv) {
  const o = { runs: 200, seed: Math.floor(Math.random() * 2 ** 31), jobs: 2, verbose: false, bin: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) {
        process.stderr.write(`fuzz: ${a} needs a whole number, got ${JSON.stringify(argv[i])}\n`);
        process.exit(2);
      }
      return v;
    };
    if (a === '--runs') o.runs = num();
    else if (a === '--seed') o.seed = num();
    else if (a === '--jobs') o.jobs = Math.max(1, num());
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--bin') o.bin = path.resolve(argv[++i] ?? '');
    else {
      process.stderr.write(`fuzz: unknown argument ${JSON.stringify(a)} (--runs N, --seed S, --jobs J, --verbose, --bin FILE)\n`);
      process.exit(2);
    }
  }
  return o;
}

const o = parseArgs(process.argv.slice(2));
const dir = mkdtempSync(path.join(os.tmpdir(), 'conc-fuzz-'));
// Ctrl-C: the hostile files go too (the cases' processes get the same signal).
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}
try {
  const ctx = await loadContext(dir);
  const cases = generate(ctx, o.seed, o.runs);
  process.stdout.write(`fuzz: ${cases.length} cases, seed ${o.seed}, ${o.jobs} at a time\n`);
  const t0 = Date.now();
  let done = 0;
  const results = await runCases(cases, {
    dir,
    jobs: o.jobs,
    ...(o.bin ? { bin: o.bin } : {}),
    onResult: (r) => {
      done++;
      if (r.problems.length) process.stdout.write(`FAIL ${describeFailure(r)}\n`);
      else if (o.verbose) process.stdout.write(`ok   ${r.id} ${r.kind} ${Math.round(r.ms)} ms: ${r.stderr.trim().slice(0, 120)}\n`);
      else if (done % 50 === 0) process.stdout.write(`  ${done}/${cases.length}\n`);
    },
  });
  const f = figures(results);
  const kinds = Object.entries(f.byKind)
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  process.stdout.write(
    [
      `cases: ${f.cases} (${kinds})`,
      `failures: ${f.failures}`,
      `time per case: median ${Math.round(f.medianMs)} ms, p95 ${Math.round(f.p95Ms)} ms, max ${Math.round(f.maxMs)} ms` +
        `; wall ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      `run again alone for the time limit: ${f.retried}; of these, slow only under others' load (>= ${BUSY_CORES} cores, own CPU within ${LIMIT_MS} ms): ${f.slowUnderLoad}`,
      `seed: ${o.seed} (npm run fuzz -- --runs ${o.runs} --seed ${o.seed})`,
      '',
    ].join('\n'),
  );
  process.exitCode = f.failures ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
