/**
 * How often lab 2's timing checks catch their faults in --quick form, and
 * how often they pass correct code: N runs of each (N = CONC_FAULT_COUNTS),
 * with the lab's own busy limit and tries, counted as failed, skipped
 * (machine busy) or passed. Slow, so outside the normal test run:
 *
 *   CONC_FAULT_COUNTS=10 npx vitest run test/labs/02-parallelize-it.fault-counts.test.ts
 *
 * With CONC_FAULT_COUNTS_WAIT=1, each run waits (up to CONC_FAULT_COUNTS_WAIT_MAX_S, 15 minutes) for a
 * quiet moment first: 2 s in which other processes used less than the lab's
 * busy limit. The figures (and /proc/loadavg before and after each batch) are printed
 * and written to $CONC_FAULT_COUNTS_OUT (default /tmp/conc-fault-counts-lab-02.json).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_RUNS, faultCounter } from '../helpers/fault-counts.js';
import { ROOT } from '../helpers/run-lab.js';

type Amdahl = typeof import('../../labs/02-parallelize-it/amdahl.js');
type FalseSharing = typeof import('../../labs/02-parallelize-it/false-sharing.js');
type Pool = typeof import('../../labs/02-parallelize-it/pool.js');
type JobStrategy = import('../../labs/02-parallelize-it/pool.js').JobStrategy;
type LabContext = import('../../src/core/lab.js').LabContext<unknown>;

const N = FAULT_RUNS;
const dist = (p: string): string => path.join(ROOT, 'dist/labs/02-parallelize-it', p);
const { amdahlSweep, DEFAULT_SERIAL } = (await import(dist('amdahl.js'))) as Amdahl;
const { falseSharing } = (await import(dist('false-sharing.js'))) as FalseSharing;
const { WorkPool } = (await import(dist('pool.js'))) as Pool;
const fault = (f: string): URL => pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-02', f));
const { serialInParallel } = (await import(fault('jobs.js').href)) as { serialInParallel: JobStrategy };

/** `conc lab 2 --quick` on 2 cores: W = 4, 100 M steps (2000 units), the default serial fraction, 1 M increments, repeat 5, warm-up 1. */
const UNITS = 2000;
const CHECKS = { fit: /fitted serial fraction within/, s2: /2 workers beat 1/, falseSharing: /counters on one cache line are slower/ };


afterEach(() => rmSync(path.join(tmpdir(), `conc-fault-turns-${process.pid}`), { recursive: true, force: true }));

const amdahl =
  (o: { worker?: URL; job?: JobStrategy } = {}) =>
  async (ctx: LabContext): Promise<void> => {
    const pool = await WorkPool.start(ctx, 4, { seed: ctx.seed, warmUnits: 20 }, o.worker);
    await amdahlSweep(ctx, { pool, maxK: 4, units: UNITS, serialUnits: Math.round(DEFAULT_SERIAL * UNITS), variant: {}, job: o.job });
  };
const sharing = (pad?: number) => (ctx: LabContext) => falseSharing(ctx, { increments: 1_000_000, ops: ['atomics', 'plain'], pad });

const batch = faultCounter('lab-02', CHECKS, { repeat: 5, warmup: 1 });

const H = 3_600_000;
describe.skipIf(!N)(`lab 2: the timing checks over ${N} --quick runs`, () => {
  it('workers that take turns on a lock', async () => {
    expect((await batch('serialised workers', amdahl({ worker: fault('serial-work.worker.js') }), ['fit', 's2'])).fit?.passed).toBe(0);
  }, H);
  it('the serial part run in parallel (a fit near 0)', async () => {
    expect((await batch('serial part in parallel', amdahl({ job: serialInParallel }), ['fit'])).fit?.passed).toBe(0);
  }, H);
  it('correct Amdahl sweep', async () => {
    expect((await batch('correct Amdahl', amdahl(), ['fit', 's2'])).fit?.failed).toBe(0);
  }, H);
  it('the padding removed', async () => {
    expect((await batch('padding removed', sharing(4), ['falseSharing'])).falseSharing?.passed).toBe(0);
  }, H);
  it('correct false sharing', async () => {
    expect((await batch('correct false sharing', sharing(), ['falseSharing'])).falseSharing?.failed).toBe(0);
  }, H);
});
