/**
 * Lab 6: every check that asserts a behaviour, run against the fault it
 * guards (test/fixtures/faults/lab-06), must FAIL, not skip. The experiments
 * are called one at a time with a real context (labContext), through their
 * seams: the harness and loop copy, the blocker, the profiled worker and the
 * profile writer, the clerk worker, the lock-order graph's cycle finder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { blockInSeconds, ignoresBackEdges, twiceSampled, undirected, warmedCopy, wrappedWrite } from '../fixtures/faults/lab-06/faults.js';
import { checkNamed, labContext, type TestContext } from '../helpers/context.js';
import { ROOT } from '../helpers/run-lab.js';

type Report = import('../../src/core/report.js').Report;
const dist = (f: string): string => path.join(ROOT, 'dist/labs/06-debug-and-benchmark', f);
const { harness } = (await import(dist('harness.js'))) as typeof import('../../labs/06-debug-and-benchmark/harness.js');
const { eventLoopDelay } = (await import(dist('event-loop.js'))) as typeof import('../../labs/06-debug-and-benchmark/event-loop.js');
const { cpuProfile } = (await import(dist('profile.js'))) as typeof import('../../labs/06-debug-and-benchmark/profile.js');
const { raceHunter } = (await import(dist('race.js'))) as typeof import('../../labs/06-debug-and-benchmark/race.js');
const { lockOrder } = (await import(dist('lock-order.js'))) as typeof import('../../labs/06-debug-and-benchmark/lock-order.js');
const fault = (f: string): URL => pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-06', f));

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

/** Runs one experiment with a fresh context (the lab's --quick repeat and warm-up). */
async function run(f: (t: TestContext) => Promise<unknown>): Promise<Report> {
  const t = await labContext({ repeat: 60, warmup: 10 });
  try {
    await f(t);
  } finally {
    await t.done();
  }
  return t.report;
}
const failed = (r: Report, re: RegExp): void => {
  const c = checkNamed(r, re);
  expect(c, `${c.name}: ${c.detail ?? c.reason ?? ''}`).toMatchObject({ ok: false, skipped: false });
};
const passed = (r: Report, re: RegExp): void => {
  const c = checkNamed(r, re);
  expect(c, `${c.name}: ${c.detail ?? c.reason ?? ''}`).toMatchObject({ ok: true, skipped: false });
};

const HARNESS = { targetMs: 2, bins: 16, tolerance: 0.25 };
const HUNT = { runs: 100, workers: 2, transfers: 4, preempt: 0.01 };
const MODEL = /^seeded runs are exactly the model/;
const CAUGHT = /^hunter catches the buggy transfer/;
const REPLAY = /^first failing seed replays identically/;
const FIXED_SEEDED = /^fixed transfer never breaks \(seeded\)/;
const FIXED_FREE = /^fixed transfer never breaks \(free threads\)/;

describe('debug-and-benchmark: the harness and event-loop checks fail on their faults', () => {
  it('a harness that runs the function twice per sample: "within 25% of calibration" fails', async () => {
    failed(await run(({ ctx }) => harness(ctx, { ...HARNESS, sample: twiceSampled(ctx) })), /^harness median within 25% of calibration/);
  });

  it('a "cold" copy that calibration already warmed: "first cold sample costs more" fails', async () => {
    failed(await run(({ ctx }) => harness(ctx, { ...HARNESS, copy: warmedCopy })), /^first cold sample costs/);
  });

  it('a blocker that reads ms as seconds: both event-loop checks fail', async () => {
    const r = await run(({ ctx }) => eventLoopDelay(ctx, { blocks: [0, 10, 50], repeats: 3, block: blockInSeconds }));
    failed(r, /^max delay ≥ 0.8 × block/);
    failed(r, /^max delay grows with block length/);
  });
});

describe('debug-and-benchmark: the profile checks fail on their faults', () => {
  it('work done 1 : 3 : 6: "profile ranks work 6 : 3 : 1" fails', async () => {
    failed(await run(({ ctx }) => cpuProfile(ctx, { durationMs: 200, dir: '', worker: fault('reversed-profile.worker.js') })), /^profile ranks work 6 : 3 : 1/);
  });

  it('a writer that wraps the profile: "the .cpuprofile file reads back" fails', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'conc-lab6-fault-'));
    tmpDirs.push(dir);
    failed(await run(({ ctx }) => cpuProfile(ctx, { durationMs: 100, dir, write: wrappedWrite })), /^the .cpuprofile file reads back/);
  });
});

describe('debug-and-benchmark: the race hunter checks fail on their faults', () => {
  it('the correct bank passes every hunter check', async () => {
    const r = await run(({ ctx }) => raceHunter(ctx, HUNT));
    for (const re of [MODEL, CAUGHT, REPLAY, FIXED_SEEDED, FIXED_FREE]) passed(r, re);
  });

  it('the fixed transfer with the bug put back: both "fixed never breaks" checks fail, and the model disagrees', async () => {
    const r = await run(({ ctx }) => raceHunter(ctx, { ...HUNT, worker: fault('fixed-unlocked.worker.js') }));
    failed(r, FIXED_SEEDED);
    failed(r, FIXED_FREE);
    failed(r, MODEL);
  });

  it('a buggy transfer that locks: "hunter catches" and the replay fail', async () => {
    const r = await run(({ ctx }) => raceHunter(ctx, { ...HUNT, worker: fault('locked-buggy.worker.js') }));
    failed(r, CAUGHT);
    failed(r, REPLAY);
    failed(r, MODEL);
  });

  it('a bug in the bank code the model used to share: only "seeded runs are exactly the model" sees it', async () => {
    const r = await run(({ ctx }) => raceHunter(ctx, { ...HUNT, worker: fault('blocked-as-ran.worker.js') }));
    failed(r, MODEL);
    for (const re of [CAUGHT, REPLAY, FIXED_SEEDED, FIXED_FREE]) passed(r, re);
  });

  it('a scheduler that drifts from run to run: the replay differs, and the model disagrees', async () => {
    const r = await run(({ ctx }) => raceHunter(ctx, { ...HUNT, worker: fault('drifting-scheduler.worker.js') }));
    failed(r, REPLAY);
    failed(r, MODEL);
  });
});

describe('debug-and-benchmark: the lock-order checks fail on their faults', () => {
  it('a graph that ignores back edges: "cycle found" fails for inverted and ring', async () => {
    const r = await run(({ ctx }) => lockOrder(ctx, { holdMs: 1, cycles: ignoresBackEdges }));
    failed(r, /^lock order: cycle found, no deadlock \(inverted\)/);
    failed(r, /^lock order: cycle found, no deadlock \(ring\)/);
  });

  it('a graph that ignores direction: "no cycle in one order" fails', async () => {
    failed(await run(({ ctx }) => lockOrder(ctx, { holdMs: 1, cycles: undirected })), /^lock order: no cycle in one order/);
  });
});
