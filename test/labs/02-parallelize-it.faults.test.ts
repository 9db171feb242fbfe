/**
 * Lab 2: every check that asserts a behaviour, run with the fault it guards
 * against injected (test/fixtures/faults/lab-02), must FAIL, not skip. The
 * timing faults run with busyLimit Infinity, so no load excuses them; on a
 * machine that others keep busy in every try, such a test is skipped with
 * the figures (as the lab's check would be).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkNamed } from '../helpers/context.js';
import { ROOT } from '../helpers/run-lab.js';
import { quietRun, runExperiment, type Experiment } from '../helpers/timing-fault.js';

type Amdahl = typeof import('../../labs/02-parallelize-it/amdahl.js');
type Gustafson = typeof import('../../labs/02-parallelize-it/gustafson.js');
type Checksums = typeof import('../../labs/02-parallelize-it/job-checksums.js');
type FalseSharing = typeof import('../../labs/02-parallelize-it/false-sharing.js');
type Pool = typeof import('../../labs/02-parallelize-it/pool.js');
type Sweep = typeof import('../../labs/02-parallelize-it/sweep.js');
type Topo = typeof import('../../labs/02-parallelize-it/topology.js');
type Report = import('../../src/core/report.js').Report;
type LabContext = import('../../src/core/lab.js').LabContext<unknown>;
type SweepResult = import('../../labs/02-parallelize-it/sweep.js').SweepResult;
type JobStrategy = import('../../labs/02-parallelize-it/pool.js').JobStrategy;

const dist = (p: string): string => path.join(ROOT, 'dist/labs/02-parallelize-it', p);
const { amdahlSweep, fitVerdict, judgeAmdahl, DEFAULT_SERIAL, FIT_TOLERANCE } = (await import(dist('amdahl.js'))) as Amdahl;
const { gustafsonSweep } = (await import(dist('gustafson.js'))) as Gustafson;
const { jobChecksums } = (await import(dist('job-checksums.js'))) as Checksums;
const { falseSharing, judgeFalseSharing, FALSE_SHARING_MIN } = (await import(dist('false-sharing.js'))) as FalseSharing;
const { WorkPool } = (await import(dist('pool.js'))) as Pool;
const { remeasured, sweepLoad } = (await import(dist('sweep.js'))) as Sweep;
const { parseCpuList, physicalCores, siblingGroups, readTopology } = (await import(dist('topology.js'))) as Topo;
const fault = (f: string): URL => pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-02', f));
const { serialInParallel } = (await import(fault('jobs.js').href)) as { serialInParallel: JobStrategy };

const SERIAL_WORKER = fault('serial-work.worker.js');
const WRONG_SUM_WORKER = fault('wrong-sum-work.worker.js');
const LOSSY_HAMMER = fault('lossy-hammer.worker.js');
/** --quick's job: 100 M steps, 2000 units of 50 000. */
const UNITS = 2000;
const UNEXCUSED = { busyLimit: Infinity };
const FIT = /fitted serial fraction within/;
const S2 = /2 workers beat 1/;
const FS = /counters on one cache line are slower/;

// A run cut short could leave the serialising fixture's lock behind.
afterEach(() => rmSync(path.join(tmpdir(), `conc-fault-turns-${process.pid}`), { recursive: true, force: true }));

const run = (f: Experiment): Promise<Report> => runExperiment(f, { repeat: 5, warmup: 1 });

/** The Amdahl sweep of --quick (W = 4) with serial fraction s, on a pool of `worker`s run by `job`. */
const amdahlRun =
  (s: number, o: { worker?: URL; job?: JobStrategy } = {}) =>
  async (ctx: LabContext): Promise<void> => {
    const pool = await WorkPool.start(ctx, 4, { seed: ctx.seed, warmUnits: 20 }, o.worker);
    await amdahlSweep(ctx, { pool, maxK: 4, units: UNITS, serialUnits: Math.round(s * UNITS), variant: {}, job: o.job, ...UNEXCUSED });
  };

const timingFault = (t: { skip(note?: string): void }, f: Experiment, checks: RegExp[]): Promise<Report> => quietRun(t, () => run(f), checks);

const failed = { ok: false, skipped: false };
const passed = { ok: true, skipped: false };

describe('lab 2: each check fails with its fault injected', () => {
  it('workers that take turns on a lock fail the fit and S(2) > 1.1', async (t) => {
    const r = await timingFault(t, amdahlRun(DEFAULT_SERIAL, { worker: SERIAL_WORKER }), [FIT, S2]);
    const fit = checkNamed(r, FIT);
    expect(fit, fit.detail).toMatchObject(failed);
    expect(checkNamed(r, S2)).toMatchObject(failed);
  });

  it('a serial part run in parallel (the fit reads about 0) fails the fit at the default serial fraction', async (t) => {
    const r = await timingFault(t, amdahlRun(DEFAULT_SERIAL, { job: serialInParallel }), [FIT]);
    const fit = checkNamed(r, FIT);
    expect(fit, fit.detail).toMatchObject(failed);
    expect(Number(/fit s = (\d\.\d+)/.exec(fit.detail ?? '')?.[1])).toBeLessThan(DEFAULT_SERIAL - FIT_TOLERANCE);
  });

  it('a kernel with a wrong checksum fails "every job computes the same checksum"', async () => {
    const r = await run(async (ctx) => {
      const pool = await WorkPool.start(ctx, 2, { seed: ctx.seed, warmUnits: 2 }, WRONG_SUM_WORKER);
      const amdahl = await amdahlSweep(ctx, { pool, maxK: 2, units: 40, serialUnits: 8, variant: {} });
      const gustafson = await gustafsonSweep(ctx, { pool, maxK: 2, units: 40, serial: 0.2, variant: {} });
      jobChecksums(ctx, { amdahl: amdahl.sweep, gustafson, units: 40, serialUnits: 8, seed: ctx.seed });
    });
    expect(checkNamed(r, /every job computes the same checksum/)).toMatchObject(failed);
  });

  it('a hammer worker that loses an increment fails "counters add up exactly"', async () => {
    const r = await run((ctx) => falseSharing(ctx, { increments: 10_000, ops: ['atomics'], hammer: LOSSY_HAMMER, tries: 1 }));
    expect(checkNamed(r, /counters add up exactly/)).toMatchObject(failed);
  });

  it('the padding removed (the padded counters 4 B apart too) fails the false-sharing check', async (t) => {
    const r = await timingFault(t, (ctx) => falseSharing(ctx, { increments: 1_000_000, ops: ['atomics', 'plain'], pad: 4, ...UNEXCUSED }), [FS]);
    const fs = checkNamed(r, FS);
    expect(fs, fs.detail).toMatchObject(failed);
    expect(checkNamed(r, /counters add up exactly/)).toMatchObject(passed);
  });

  it('skips the false-sharing check, never passes it, when the two CPUs are SMT siblings', async () => {
    const smt = { allowed: [0, 1], siblings: new Map([[0, [0, 1]], [1, [0, 1]]]) };
    const r = await run((ctx) => falseSharing(ctx, { increments: 10_000, ops: ['atomics'], topology: smt }));
    expect(checkNamed(r, FS)).toMatchObject({ ok: false, skipped: true, reason: expect.stringMatching(/0\+1 are SMT siblings/) });
  });
});

describe('lab 2: judging the fit and the false sharing (pure)', () => {
  it('the default serial fraction is out of the tolerance of a fit of 0 and of 1, and of a fully parallel job on 90% cores', () => {
    expect(fitVerdict(0, DEFAULT_SERIAL).ok).toBe(false);
    // A fully parallel job whose 2 workers each ran at 90% of a core: S(2) = 1.8, fit 2/1.8 - 1 = 0.11.
    expect(fitVerdict(2 / 1.8 - 1, DEFAULT_SERIAL).ok).toBe(false);
    // Correct --quick runs here fit 0.31-0.41 (quiet): inside.
    expect(fitVerdict(0.41, DEFAULT_SERIAL).ok).toBe(true);
    expect(fitVerdict(1, DEFAULT_SERIAL).ok).toBe(false);
    expect(fitVerdict(DEFAULT_SERIAL + FIT_TOLERANCE / 2, DEFAULT_SERIAL).ok).toBe(true);
    expect(fitVerdict(NaN, DEFAULT_SERIAL).ok).toBe(false);
    expect(DEFAULT_SERIAL - FIT_TOLERANCE).toBeGreaterThan(0.05);
  });

  const sweepOf = (walls: Record<number, number[]>): SweepResult => {
    const ks = Object.keys(walls).map(Number);
    const reading = { busyMs: 100, ownCpuMs: 90, wallMs: 100 };
    return {
      wall: new Map(ks.map((k) => [k, walls[k] as number[]])),
      sums: new Map(ks.map((k) => [k, [7]])),
      load: new Map(ks.map((k) => [k, [reading]])),
    };
  };

  it('fails a wrong fit fed to it: S(2) = 2 (fit 0) and S(2) = 1 (fit 1) against the default s', () => {
    const at2 = (s2: number) => judgeAmdahl(sweepOf({ 1: [100, 100, 100], 2: [100 / s2, 100 / s2, 100 / s2] }), [1, 2], 2, DEFAULT_SERIAL);
    expect(at2(2).fit?.s).toBeCloseTo(0, 6);
    expect(at2(2).fitOk).toBe(false);
    expect(at2(1).fitOk).toBe(false);
    expect(at2(1).s2Ok).toBe(false);
    const right = at2(1 / (0.3 + 0.7 / 2));
    expect(DEFAULT_SERIAL).toBe(0.3);
    expect(right.fit?.s).toBeCloseTo(0.3, 6);
    expect(right.fitOk && right.s2Ok).toBe(true);
    expect(right.fitDetail).toMatch(/fit s = 0\.300 from S\(2\) = 1\.538; configured 0\.300/);
  });

  it('re-measured k replace the old timings and load; checksums accumulate', () => {
    const a = sweepOf({ 1: [100], 2: [90], 4: [80] });
    const b = sweepOf({ 1: [101], 2: [60] });
    b.load.set(2, [{ busyMs: 300, ownCpuMs: 100, wallMs: 100 }]);
    const m = remeasured(a, b);
    expect(m.wall.get(2)).toEqual([60]);
    expect(m.wall.get(4)).toEqual([80]);
    expect(m.sums.get(2)).toEqual([7, 7]);
    // k = 1: 10 ms of others over 100; k = 2: 200 over 100: 210 / 200 ms = 1.05 cores.
    expect(sweepLoad(m, [1, 2])).toBeCloseTo(1.05, 9);
    expect(sweepLoad(a, [1, 2])).toBeCloseTo(0.1, 9);
  });

  it('false sharing: one line must be FALSE_SHARING_MIN times slower than padded, for every op', () => {
    const s = (same: number, padded: number) =>
      new Map([
        ['atomics/same line', [same, same, same]],
        ['atomics/padded', [padded, padded, padded]],
      ]);
    expect(judgeFalseSharing(s(30, 10), ['atomics']).ok).toBe(true);
    expect(judgeFalseSharing(s(10, 10), ['atomics']).ok).toBe(false);
    expect(judgeFalseSharing(s(10 * FALSE_SHARING_MIN - 0.1, 10), ['atomics']).ok).toBe(false);
    expect(judgeFalseSharing(s(30, 10), ['atomics', 'plain']).ok).toBe(false);
  });

  it('reads CPU lists and counts physical cores from SMT siblings', () => {
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('x')).toEqual([]);
    const smt4 = { allowed: [0, 1, 2, 3], siblings: new Map([[0, [0, 2]], [2, [0, 2]], [1, [1, 3]], [3, [1, 3]]]) };
    expect(physicalCores(smt4)).toBe(2);
    expect(siblingGroups(smt4)).toEqual(['0+2', '1+3']);
    expect(physicalCores({ ...smt4, allowed: [0, 2] })).toBe(1);
    expect(physicalCores({ allowed: [0, 1], siblings: new Map([[0, [0]], [1, [1]]]) })).toBe(2);
    const here = readTopology();
    if (here) expect(here.allowed.length).toBeGreaterThan(0);
  });
});
