/**
 * Fault tests of timing checks (labs 1 and 2): run one experiment in a fresh
 * context, and judge a timing fault on a quiet run only.
 */
import { BUSY_MACHINE_CORES } from '../../src/measure/contention.js';
import { checkNamed, labContext } from './context.js';

type LabContext = import('../../src/core/lab.js').LabContext<unknown>;
type Report = import('../../src/core/report.js').Report;
export type Experiment = (ctx: LabContext) => Promise<unknown>;

/** Tries a timing fault test makes before it gives up on a busy machine. */
export const TEST_TRIES = 3;

/** Run one experiment in a fresh context with these settings; returns its report. */
export async function runExperiment(f: Experiment, settings: { repeat: number; warmup: number }): Promise<Report> {
  const { ctx, report, done } = await labContext(settings);
  try {
    await f(ctx);
  } finally {
    await done();
  }
  return report as Report;
}

/**
 * A timing fault on a shared machine is judged on a quiet run only: others'
 * load (in the checks' details) below the lab's limit, the only runs where a
 * pass means the check is blind. When others keep the machine busy in every
 * try, the test is skipped with the figures, as the lab's check would be.
 * `always` is asserted on every try, busy or not: what load cannot fake.
 */
export async function quietRun(
  t: { skip(note?: string): void },
  run: () => Promise<Report>,
  checks: RegExp[],
  always?: (r: Report) => void,
): Promise<Report> {
  const loads: string[] = [];
  for (let i = 0; i < TEST_TRIES; i++) {
    const r = await run();
    always?.(r);
    const load = Math.max(...checks.map((re) => Number(/others' load (\d+\.\d+)/.exec(checkNamed(r, re).detail ?? '')?.[1] ?? NaN)));
    if (!(load >= BUSY_MACHINE_CORES)) return r;
    loads.push(load.toFixed(2));
  }
  t.skip(`others used ${loads.join(', ')} cores in ${TEST_TRIES} tries: too busy to judge`);
  throw new Error('unreachable: skipped');
}
