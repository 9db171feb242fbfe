/**
 * Fault counts: run one experiment N times (N = CONC_FAULT_COUNTS; 0 skips)
 * with a fault injected, or without, and tally each named check as failed,
 * skipped (machine busy) or passed. Used by the labs' *.fault-counts tests,
 * which are slow and so stay outside the normal test run.
 *
 * With CONC_FAULT_COUNTS_WAIT=1 each run first waits (up to
 * CONC_FAULT_COUNTS_WAIT_MAX_S, default 15 minutes) for a quiet moment: 2 s in
 * which other processes used less than the labs' busy limit. The tallies, the
 * details of every run and /proc/loadavg before and after each batch are printed
 * and written to $CONC_FAULT_COUNTS_OUT (default /tmp/conc-fault-counts-<name>.json).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BUSY_MACHINE_CORES, loadSpan, othersOver } from '../../src/measure/contention.js';
import { checkNamed, labContext } from './context.js';

type LabContext = import('../../src/core/lab.js').LabContext<unknown>;
type Report = import('../../src/core/report.js').Report;
export type Run = (ctx: LabContext) => Promise<unknown>;
export type Tally = Record<string, { failed: number; skipped: number; passed: number }>;

export const FAULT_RUNS = Number(process.env.CONC_FAULT_COUNTS ?? 0);
const WAIT = process.env.CONC_FAULT_COUNTS_WAIT === '1';
const WAIT_MAX_MS = 1000 * Number(process.env.CONC_FAULT_COUNTS_WAIT_MAX_S ?? 900);

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').trim();

/** Wait for 2 s in which others used less than the busy limit (bounded): what they used then. */
async function quietMoment(): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const span = loadSpan();
    await new Promise((r) => setTimeout(r, 2000));
    const others = othersOver([span.end()]);
    if (others === null || others < BUSY_MACHINE_CORES || Date.now() - t0 > WAIT_MAX_MS)
      return `waited ${((Date.now() - t0) / 1000).toFixed(0)} s for others at ${others?.toFixed(2)} cores`;
  }
}

/**
 * A counter for one lab: `batch(label, run, keys)` runs `run` FAULT_RUNS times, each in a fresh
 * context with `settings` (the lab's --quick repeat and warm-up) and seed 42 + i, and returns the
 * tally of each check named in `checks` by the keys given.
 */
export function faultCounter<K extends string>(
  name: string,
  checks: Record<K, RegExp>,
  settings: { repeat: number; warmup: number },
): (label: string, run: Run, keys: K[]) => Promise<Tally> {
  const out = process.env.CONC_FAULT_COUNTS_OUT ?? `/tmp/conc-fault-counts-${name}.json`;
  const results: Record<string, unknown> = {};
  return async (label, run, keys) => {
    const counts: Tally = {};
    const details: string[] = [];
    const before = loadavg();
    for (let i = 0; i < FAULT_RUNS; i++) {
      if (WAIT) details.push(`${label} #${i + 1}: ${await quietMoment()}`);
      const { ctx, report, done } = await labContext({ quick: true, ...settings, seed: 42 + i });
      try {
        await run(ctx);
      } finally {
        await done();
      }
      for (const key of keys) {
        const c = checkNamed(report as Report, checks[key]);
        const outcome = c.skipped ? 'skipped' : c.ok ? 'passed' : 'failed';
        const tally = (counts[key] ??= { failed: 0, skipped: 0, passed: 0 });
        tally[outcome]++;
        details.push(`${label} #${i + 1} ${key} ${outcome}: ${c.detail ?? c.reason}`);
      }
    }
    results[label] = { counts, loadavgBefore: before, loadavgAfter: loadavg(), details };
    console.log(label, JSON.stringify(counts), `loadavg ${before} -> ${loadavg()}`);
    writeFileSync(out, JSON.stringify(results, null, 2));
    return counts;
  };
}
