/**
 * Lab 1: every check that asserts a behaviour, run with the fault it guards
 * against injected (test/fixtures/faults/lab-01), must FAIL, not skip. The
 * timing faults run with busyLimit Infinity, so no load excuses them: the
 * check has to see the fault on its own figures. The skip on a busy machine
 * is tested apart (judging given figures, and src/measure/contention's tests).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkNamed } from '../helpers/context.js';
import { ROOT } from '../helpers/run-lab.js';
import { quietRun, runExperiment, type Experiment } from '../helpers/timing-fault.js';

type Cpu = typeof import('../../labs/01-speed-it-up/cpu.js');
type Io = typeof import('../../labs/01-speed-it-up/io.js');
type Startup = typeof import('../../labs/01-speed-it-up/startup.js');
type Threads = typeof import('../../labs/01-speed-it-up/threads.js');
type Report = import('../../src/core/report.js').Report;
interface Faults {
  lossyFactorise: (n: number) => number[];
  instantServer: NonNullable<import('../../labs/01-speed-it-up/io.js').IoOptions['startServer']>;
}

const dist = (p: string): string => path.join(ROOT, 'dist/labs/01-speed-it-up', p);
const { cpuWorkload } = (await import(dist('cpu.js'))) as Cpu;
const { ioWorkload } = (await import(dist('io.js'))) as Io;
const { startup } = (await import(dist('startup.js'))) as Startup;
const { judgeThreads, threadsPrecondition, coresBusyMin } = (await import(dist('threads.js'))) as Threads;
const FAULTS = path.join(ROOT, 'test/fixtures/faults/lab-01');
const fault = (f: string): URL => pathToFileURL(path.join(FAULTS, f));
const { lossyFactorise, instantServer } = (await import(fault('faults.js').href)) as Faults;

const SERIAL_TASK = fault('serial-task.worker.js');
const WRONG_SUM_TASK = fault('wrong-sum-task.worker.js');
/** The --quick sizes, where the timing checks are judged. */
const QUICK_CPU = { numbers: 80_000, workers: 2, fresh: false, threadStartMs: 30 };
const QUICK_IO = { requests: 10, delay: 10, workers: 2, fresh: false };
/** Too little work for the timing checks: enough for the correctness checks. */
const SMALL_CPU = { ...QUICK_CPU, numbers: 2000 };
const UNEXCUSED = { busyLimit: Infinity };

// A run cut short could leave the serialising fixture's lock behind.
afterEach(() => rmSync(path.join(tmpdir(), `conc-fault-turns-${process.pid}`), { recursive: true, force: true }));

const run = (f: Experiment): Promise<Report> => runExperiment(f, { repeat: 3, warmup: 0 });

const timingFault = (t: { skip(note?: string): void }, f: Experiment, checks: RegExp[], always?: (r: Report) => void): Promise<Report> =>
  quietRun(t, () => run(f), checks, always);

const failed = { ok: false, skipped: false };
const passed = { ok: true, skipped: false };

describe('lab 1: each check fails with its fault injected', () => {
  it('start-up: the vehicles swapped (the "process" row starts a thread) fails "process slower"', async () => {
    const r = await run((ctx) => startup(ctx, { fresh: false, vehicleOf: { thread: 'process', process: 'thread' } }));
    expect(checkNamed(r, /child process starts slower/)).toMatchObject(failed);
  });

  it('a factoriser that loses a factor fails "factorisations are correct"', async () => {
    const r = await run((ctx) => cpuWorkload(ctx, { ...SMALL_CPU, factorise: lossyFactorise }));
    expect(checkNamed(r, /factorisations are correct/)).toMatchObject(failed);
  });

  it('a task with a wrong checksum fails "every variant finds the same factors"', async () => {
    const r = await run((ctx) => cpuWorkload(ctx, { ...SMALL_CPU, task: WRONG_SUM_TASK }));
    expect(checkNamed(r, /cpu: every variant finds the same factors/)).toMatchObject(failed);
    expect(checkNamed(r, /factorisations are correct/)).toMatchObject(passed);
  });

  it('async done by threads fails "async brings no speedup"', async (t) => {
    const r = await timingFault(t, (ctx) => cpuWorkload(ctx, { ...QUICK_CPU, runAs: { async: 'threads' }, ...UNEXCUSED }), [/cpu: async brings no speedup/]);
    expect(checkNamed(r, /cpu: async brings no speedup/)).toMatchObject(failed);
  });

  it('threads that take turns on a lock fail both threads checks (speedup and cores busy)', async (t) => {
    // Load can only lower "cores busy": that check must fail on every try, busy or quiet.
    const coresBusyFails = (r: Report): void => {
      const overlap = checkNamed(r, /k threads run at the same time/);
      expect(overlap, overlap.detail).toMatchObject(failed);
      expect(Number(/cores busy (\d\.\d\d)/.exec(overlap.detail ?? '')?.[1])).toBeLessThan(1.3);
    };
    const r = await timingFault(t, (ctx) => cpuWorkload(ctx, { ...QUICK_CPU, task: SERIAL_TASK, ...UNEXCUSED }), [/k threads bring a speedup/], coresBusyFails);
    expect(checkNamed(r, /k threads bring a speedup/)).toMatchObject(failed);
    // The results are right: only the timing checks can see this fault.
    expect(checkNamed(r, /cpu: every variant finds the same factors/)).toMatchObject(passed);
  });

  it('a task with a wrong checksum fails "every variant gets the same answers"', async () => {
    const r = await run((ctx) => ioWorkload(ctx, { ...QUICK_IO, task: WRONG_SUM_TASK }));
    expect(checkNamed(r, /io: every variant gets the same answers/)).toMatchObject(failed);
  });

  it('a server that answers at once fails "the server really waits"', async (t) => {
    // 50 ms, not --quick's 10: a round trip alone can take a few ms.
    const r = await timingFault(t, (ctx) => ioWorkload(ctx, { ...QUICK_IO, delay: 50, startServer: instantServer, ...UNEXCUSED }), [
      /io: the server really waits/,
    ]);
    expect(checkNamed(r, /io: the server really waits/)).toMatchObject(failed);
  });

  it('async that sends one request at a time fails "async alone brings a speedup"', async (t) => {
    const r = await timingFault(t, (ctx) => ioWorkload(ctx, { ...QUICK_IO, runAs: { async: 'sequential' }, ...UNEXCUSED }), [
      /io: async alone brings a speedup/,
    ]);
    expect(checkNamed(r, /io: async alone brings a speedup/)).toMatchObject(failed);
  });
});

describe('lab 1: judging the threads (pure)', () => {
  const setting = { k: 2, cores: 2, fresh: false, threadStartMs: 30 };
  const seq = { wall: [200, 202, 204], cpu: [200, 202, 204] };

  it('passes threads that overlap: 1.9x, 1.9 cores busy', () => {
    const j = judgeThreads(setting, seq, { wall: [104, 105, 106], cpu: [198, 200, 202] });
    expect(j.speedupOk && j.overlapOk).toBe(true);
    expect(j.coresBusy).toBeCloseTo(200 / 105, 6);
  });

  it('fails threads that take turns: 1x, 1 core busy', () => {
    const j = judgeThreads(setting, seq, { wall: [200, 205, 210], cpu: [200, 205, 210] });
    expect(j.speedupOk).toBe(false);
    expect(j.overlapOk).toBe(false);
    expect(j.overlapDetail).toMatch(/cores busy 1\.00 .*needs >= 1\.50/);
  });

  it('fails a fast run on one core (1.3x from a quieter second try, yet 1 core busy)', () => {
    const j = judgeThreads(setting, { wall: [260, 262, 264], cpu: [200, 202, 204] }, { wall: [200, 201, 202], cpu: [199, 200, 201] });
    expect(j.speedupOk).toBe(true);
    expect(j.overlapOk).toBe(false);
  });

  it('asks p = min(k, cores) cores busy', () => {
    expect(coresBusyMin(1)).toBe(1);
    expect(coresBusyMin(2)).toBe(1.5);
    expect(judgeThreads({ ...setting, k: 4, cores: 2 }, seq, { wall: [110], cpu: [190] }).overlapOk).toBe(true);
  });

  it('skips only on settings and hardware, never on timings of the threads', () => {
    expect(threadsPrecondition({ ...setting, cores: 1 }, 200).speedup).toMatch(/1 effective core/);
    expect(threadsPrecondition({ ...setting, k: 1 }, 200).overlap).toMatch(/k = 1/);
    expect(threadsPrecondition(setting, 10).speedup).toMatch(/too little to time/);
    const fresh = threadsPrecondition({ ...setting, fresh: true, threadStartMs: 100 }, 200);
    expect(fresh.speedup).toMatch(/--fresh/);
    expect(fresh.overlap).toBeNull();
    expect(threadsPrecondition(setting, 200)).toEqual({ speedup: null, overlap: null });
  });
});
