/**
 * Fuzzing as a test: a fixed number of seeded bad command lines (test/fuzz/cases.js:
 * wrong types, huge and negative numbers, empty values, Unicode and control
 * characters, repeated flags, unknown labs and commands, and compare with
 * hostile files: truncated, deeply nested, wrong types, huge sample arrays,
 * FIFOs and devices) against the real bin/conc.js. Each must exit 2 with one
 * line on stderr, nothing on stdout, no stack trace, within 2 s (a case slow
 * only because others loaded the machine is run again alone; see
 * test/fuzz/cases.js). More cases: npm run fuzz -- --runs 500.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KINDS, LIMIT_MS, describeFailure, figures, generate, loadContext, runCases } from '../fuzz/cases.js';

const SEED = Number(process.env.CONC_FUZZ_SEED ?? 20251126);
const CASES = Number(process.env.CONC_FUZZ_CASES ?? 160);

const dir = mkdtempSync(path.join(os.tmpdir(), 'conc-fuzz-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzzing the command line', () => {
  it('generates the same cases from the same seed, of every kind, none asking for help', async () => {
    const ctx = await loadContext(dir);
    const a = generate(ctx, SEED, CASES);
    const b = generate(await loadContext(dir), SEED, CASES);
    expect(a.map((c) => c.args)).toEqual(b.map((c) => c.args));
    expect(new Set(a.map((c) => c.kind))).toEqual(new Set(KINDS));
    for (const c of a) expect(c.args.some((x) => ['-h', '--help', '-v', '--version', 'help'].includes(x))).toBe(false);
    expect(a.filter((c) => c.kind === 'compare-file').length).toBeGreaterThan(CASES / 10);
  });

  it(
    `${CASES} bad command lines: each exits 2 with one line on stderr, no stack, within ${LIMIT_MS / 1000} s`,
    async () => {
      const ctx = await loadContext(dir);
      const cases = generate(ctx, SEED, CASES);
      const t0 = Date.now();
      const results = await runCases(cases, { dir, jobs: 2 });
      const f = figures(results);
      console.log(
        `fuzz: ${f.cases} cases (seed ${SEED}) in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
          `per case median ${Math.round(f.medianMs)} ms, p95 ${Math.round(f.p95Ms)} ms, max ${Math.round(f.maxMs)} ms; ` +
          `${f.retried} run again alone for the time limit, ${f.slowUnderLoad} slow only under others' load; failures ${f.failures}`,
      );
      const failed = results.filter((r) => r.problems.length).map(describeFailure);
      expect(failed).toEqual([]);
    },
    600_000,
  );
});
