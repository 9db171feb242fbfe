/**
 * Lab 8's checks, each run with the fault it guards against and seen to FAIL
 * (not skip): a child blind to its exit code, one deaf to SIGTERM, SIGTERM
 * sent where SIGKILL should be, a daemon started without its own session, a
 * daemon left running, an IPC child that loses messages, a pi worker with a
 * seed per process instead of per chunk, a biased pi, a pool that never
 * retires its children. The faults live in test/fixtures/faults/lab-08.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkNamed, labContext } from '../helpers/context.js';
import { ROOT, isRunning } from '../helpers/run-lab.js';

const L = (f: string) => path.join(ROOT, 'dist/labs/08-multiprocessing', f);
const { lifecycles, LANES } = (await import(L('lifecycles.js'))) as typeof import('../../labs/08-multiprocessing/lifecycles.js');
const { ipcThroughput } = (await import(L('ipc.js'))) as typeof import('../../labs/08-multiprocessing/ipc.js');
const { piPool } = (await import(L('pi-pool.js'))) as typeof import('../../labs/08-multiprocessing/pi-pool.js');
const { stopDaemon, noSurvivors } = (await import(L('the-end.js'))) as typeof import('../../labs/08-multiprocessing/the-end.js');
const X = (await import(path.join(ROOT, 'dist/src/executors/index.js'))) as typeof import('../../src/executors/index.js');
const fault = (f: string) => pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-08', f));

type Ctx = import('../../src/core/lab.js').LabContext<unknown>;
type Report = import('../../src/core/report.js').Report;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'conc-lab8-faults-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const dir = (): string => mkdtempSync(path.join(tmp, `${++dirs}-`));
const MARK = { name: 'CONC_LAB8_RUN', value: 'no-such-run' };

async function withContext(f: (ctx: Ctx) => Promise<unknown>): Promise<Report> {
  const { ctx, report, done } = await labContext({ repeat: 1 });
  try {
    await f(ctx);
  } finally {
    await done();
  }
  return report;
}
const failed = (r: Report, re: RegExp): void => expect(checkNamed(r, re)).toMatchObject({ ok: false, skipped: false });
const passed = (r: Report, re: RegExp): void => expect(checkNamed(r, re)).toMatchObject({ ok: true, skipped: false });
const life = (ctx: Ctx, extra: object = {}) => lifecycles(ctx, { itemMs: 20, dir: dir(), daemonLifeMs: 30_000, ...extra });

describe('lab 8 checks fail on the faults they guard against', () => {
  it('exit codes: fail when a child ends with 0 whatever it was to end with', async () => {
    const r = await withContext((ctx) => life(ctx, { child: fault('code-blind.child.js') }));
    failed(r, /own exit code reaches the parent/);
    passed(r, /SIGTERM: it finishes/);
  });

  it('SIGTERM: fails when the child ignores it (and the lab has to SIGKILL it)', async () => {
    const r = await withContext((ctx) => life(ctx, { child: fault('deaf.child.js') }));
    failed(r, /SIGTERM: it finishes its item, exits 0/);
    expect(checkNamed(r, /SIGTERM: it finishes/).detail).toMatch(/ignored/);
  });

  it('SIGKILL: fails when the lab sends SIGTERM instead', async () => {
    const lanes = LANES.map((l) => (l.signal === 'SIGKILL' ? { ...l, signal: 'SIGTERM' as const } : l));
    const r = await withContext((ctx) => life(ctx, { lanes }));
    failed(r, /SIGKILL: dies at once/);
  });

  it('daemon session: fails when the daemon is started without a session of its own', async () => {
    const r = await withContext((ctx) => life(ctx, { launcher: fault('attached-launcher.child.js') }));
    failed(r, /daemon: own session/);
  });

  it('daemon stop and no survivors: both fail when the daemon is left running', async () => {
    let daemonPid = 0;
    const r = await withContext(async (ctx) => {
      const lives = await life(ctx);
      daemonPid = lives.daemon.pid;
      await stopDaemon(ctx, lives.daemon, () => {});
      await noSurvivors(ctx, { pids: lives.pids, mark: MARK });
    });
    failed(r, /daemon found by pid file, stops on SIGTERM/);
    failed(r, /every pid the lab started is gone/);
    expect(checkNamed(r, /every pid/).detail).toContain(String(daemonPid));
    // The lab's deferred teardown still stopped it.
    const t0 = Date.now();
    while (isRunning(daemonPid) && Date.now() - t0 < 3000) await new Promise((res) => setTimeout(res, 20));
    expect(isRunning(daemonPid)).toBe(false);
  });

  it('the same daemon, stopped: both pass', async () => {
    const r = await withContext(async (ctx) => {
      const lives = await life(ctx);
      await stopDaemon(ctx, lives.daemon);
      await noSurvivors(ctx, { pids: lives.pids, mark: MARK });
    });
    passed(r, /stops on SIGTERM/);
    passed(r, /every pid the lab started is gone/);
  });

  it('IPC: fails when the child loses messages', async () => {
    const r = await withContext((ctx) => ipcThroughput(ctx, { sizes: [64, 4096], budget: 65_536, maxMessages: 200, child: fault('lossy-ipc.child.js') }));
    failed(r, /every message and byte arrives/);
  });

  it('pi: the estimates differ across pool sizes with a seed per process instead of per chunk', async () => {
    const o = { samples: 400_000, chunk: 50_000, sizes: [1, 2], maxTasksPerChild: 0, seed: 42 };
    passed(await withContext((ctx) => piPool(ctx, o)), /pi is the same for every pool size/);
    failed(await withContext((ctx) => piPool(ctx, { ...o, module: fault('seed-per-process-pi.js') })), /pi is the same for every pool size/);
  });

  it('pi: the estimate is off by more than 5 standard errors when the count is biased', async () => {
    const r = await withContext((ctx) => piPool(ctx, { samples: 2_000_000, chunk: 500_000, sizes: [2], maxTasksPerChild: 0, seed: 42, module: fault('biased-pi.js') }));
    failed(r, /pi estimate within 5 standard errors/);
  });

  it('maxTasksPerChild: fails when the pool never retires a child', async () => {
    const r = await withContext((ctx) =>
      piPool(ctx, {
        samples: 400_000,
        chunk: 50_000,
        sizes: [2],
        maxTasksPerChild: 2,
        seed: 42,
        makePool: (c, size) => X.ProcessPoolExecutor.create(c, { size }),
      }),
    );
    failed(r, /children retire after 2 tasks/);
  });
});
