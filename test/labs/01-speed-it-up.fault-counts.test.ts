/**
 * How often lab 1's timing checks catch their faults (threads that take turns
 * on a lock, async done by threads, a server that answers at once, async that
 * sends one request at a time) in --quick form, and how often they pass
 * correct code: N runs of each
 * (N = CONC_FAULT_COUNTS), with the lab's own busy limit and tries, counted
 * as failed, skipped (machine busy) or passed. Slow, so outside the normal
 * test run:
 *
 *   CONC_FAULT_COUNTS=10 npx vitest run test/labs/01-speed-it-up.fault-counts.test.ts
 *
 * With CONC_FAULT_COUNTS_WAIT=1, each run waits (up to CONC_FAULT_COUNTS_WAIT_MAX_S, 15 minutes) for a
 * quiet moment first: 2 s in which other processes used less than the lab's
 * busy limit. The figures (and /proc/loadavg before and after each batch) are printed
 * and written to $CONC_FAULT_COUNTS_OUT (default /tmp/conc-fault-counts-lab-01.json).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_RUNS, faultCounter } from '../helpers/fault-counts.js';
import { ROOT } from '../helpers/run-lab.js';

type Cpu = typeof import('../../labs/01-speed-it-up/cpu.js');
type Io = typeof import('../../labs/01-speed-it-up/io.js');
type LabContext = import('../../src/core/lab.js').LabContext<unknown>;
type Report = import('../../src/core/report.js').Report;

const N = FAULT_RUNS;
const { cpuWorkload } = (await import(path.join(ROOT, 'dist/labs/01-speed-it-up/cpu.js'))) as Cpu;
const { ioWorkload } = (await import(path.join(ROOT, 'dist/labs/01-speed-it-up/io.js'))) as Io;
const SERIAL_TASK = pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-01/serial-task.worker.js'));
const { instantServer } = (await import(pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-01/faults.js')).href)) as {
  instantServer: NonNullable<import('../../labs/01-speed-it-up/io.js').IoOptions['startServer']>;
};
/** What `conc lab 1 --quick` gives the CPU workload on this machine (repeat 3, no warm-up). */
const QUICK = { numbers: 80_000, workers: 2, fresh: false, threadStartMs: 30 };
const QUICK_IO = { requests: 10, delay: 10, workers: 2, fresh: false };
const CHECKS = {
  asyncCpu: /cpu: async brings no speedup/,
  speedup: /k threads bring a speedup/,
  overlap: /k threads run at the same time/,
  waits: /io: the server really waits/,
  asyncIo: /io: async alone brings a speedup/,
};


afterEach(() => rmSync(path.join(tmpdir(), `conc-fault-turns-${process.pid}`), { recursive: true, force: true }));

type Run = (ctx: LabContext) => Promise<unknown>;
const cpu =
  (o: Partial<Parameters<Cpu['cpuWorkload']>[1]> = {}): Run =>
  (ctx) =>
    cpuWorkload(ctx, { ...QUICK, ...o });
const io =
  (o: Partial<Parameters<Io['ioWorkload']>[1]> = {}): Run =>
  (ctx) =>
    ioWorkload(ctx, { ...QUICK_IO, ...o });

const batch = faultCounter('lab-01', CHECKS, { repeat: 3, warmup: 0 });

const H = 3_600_000;
describe.skipIf(!N)(`lab 1: the timing checks over ${N} --quick runs`, () => {
  it('threads that take turns on a lock', async () => {
    const c = await batch('serialised threads', cpu({ task: SERIAL_TASK }), ['speedup', 'overlap']);
    expect(c.overlap?.passed).toBe(0);
  }, H);
  it('async done by threads', async () => {
    expect((await batch('async done by threads', cpu({ runAs: { async: 'threads' } }), ['asyncCpu'])).asyncCpu?.passed).toBe(0);
  }, H);
  it('correct CPU workload', async () => {
    const c = await batch('correct cpu', cpu(), ['asyncCpu', 'speedup', 'overlap']);
    expect(c.overlap?.failed).toBe(0);
  }, H);
  it('a server that answers at once', async () => {
    // 50 ms, as in the fault test: a round trip alone can take a few ms.
    expect((await batch('instant server', io({ delay: 50, startServer: instantServer }), ['waits'])).waits?.passed).toBe(0);
  }, H);
  it('async that sends one request at a time', async () => {
    expect((await batch('async one at a time', io({ runAs: { async: 'sequential' } }), ['asyncIo'])).asyncIo?.passed).toBe(0);
  }, H);
  it('correct I/O workload', async () => {
    const c = await batch('correct io', io(), ['waits', 'asyncIo']);
    expect(c.waits?.failed).toBe(0);
  }, H);
});
