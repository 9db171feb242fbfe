/**
 * Lab 4: every check that asserts a behaviour, run against the fault it
 * guards (test/fixtures/faults/lab-04), must FAIL, not skip. The experiments
 * are called one at a time with a real context (labContext), through their
 * seams: the racer and philosopher worker files, and the watchdog's detector.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkNamed, labContext } from '../helpers/context.js';
import { ROOT } from '../helpers/run-lab.js';

type Report = import('../../src/core/report.js').Report;
type RaceMod = typeof import('../../labs/04-synchronization/race.js');
type DiningMod = typeof import('../../labs/04-synchronization/dining-philosophers.js');
type DeadlockMod = typeof import('../../labs/04-synchronization/deadlock.js');
type CheckMod = typeof import('../../labs/04-synchronization/check-dining.js');
type ReplayMod = typeof import('../../labs/04-synchronization/replay.js');
type DiningOptions = import('../../labs/04-synchronization/dining-philosophers.js').DiningOptions;
type Dinner = import('../../labs/04-synchronization/dining.js').Dinner;

const dist = (f: string): string => path.join(ROOT, 'dist/labs/04-synchronization', f);
const { counterRace } = (await import(dist('race.js'))) as RaceMod;
const { diningPhilosophers } = (await import(dist('dining-philosophers.js'))) as DiningMod;
const { findCycle } = (await import(dist('deadlock.js'))) as DeadlockMod;
const { checkDining } = (await import(dist('check-dining.js'))) as CheckMod;
const { replay } = (await import(dist('replay.js'))) as ReplayMod;
type ShowMod = typeof import('../../labs/04-synchronization/show-dining.js');
const { runCells } = (await import(dist('show-dining.js'))) as ShowMod;
const fault = (f: string): URL => pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-04', f));

const failed = (r: Report, re: RegExp): void => {
  const c = checkNamed(r, re);
  expect(c, `${c.name}: ${c.detail ?? c.reason ?? ''}`).toMatchObject({ ok: false, skipped: false });
};
const passed = (r: Report, re: RegExp): void => {
  const c = checkNamed(r, re);
  expect(c, `${c.name}: ${c.detail ?? c.reason ?? ''}`).toMatchObject({ ok: true, skipped: false });
};

/**
 * The race as --quick runs it (4 racers, 500,000 increments), with 5 runs of
 * each method: on a busy machine where the racers only take turns on a core,
 * enough turns for the load-then-store check to judge (MIN_TURNS).
 */
async function race(worker?: URL): Promise<Report> {
  const { ctx, report, done } = await labContext({ repeat: 5, warmup: 1 });
  try {
    await counterRace(ctx, { workers: 4, increments: 500_000, ...(worker ? { worker } : {}) });
  } finally {
    await done();
  }
  return report;
}

const TABLE: Omit<DiningOptions, 'strategies'> = { n: 5, meals: 10, think: [0, 2], eat: [0, 2], reach: [0, 0.5] };
async function dining(o: Partial<DiningOptions> & Pick<DiningOptions, 'strategies'>): Promise<Report> {
  const { ctx, report, done } = await labContext();
  try {
    await diningPhilosophers(ctx, { ...TABLE, ...o });
  } finally {
    await done();
  }
  return report;
}

describe('synchronization: the race checks fail on their faults', () => {
  it('correct racers pass every race check', async () => {
    const r = await race();
    for (const re of [/^Atomics.add loses no update/, /^the mutex loses no update/, /^load-then-store loses updates/, /^the barrier released/, /^racers ran together/]) passed(r, re);
  });

  it('load-then-store made atomic: "loses updates" fails (the loops interleaved, nothing was lost)', async () => {
    failed(await race(fault('atomic-race.worker.js')), /^load-then-store loses updates/);
  });

  it('Atomics.add as load-then-store and a mutex that does not lock: both "lose no update" checks fail', async () => {
    const r = await race(fault('lossy.worker.js'));
    failed(r, /^Atomics.add loses no update/);
    failed(r, /^the mutex loses no update/);
  });

  it('racers that skip the barrier: the barrier check fails', async () => {
    failed(await race(fault('no-barrier.worker.js')), /^the barrier released/);
  });

  it('racers that take turns before their loops: "racers ran together" fails (load-then-store can only skip)', async () => {
    // (turns.worker.js hands the turn on after a short last chunk: 500,000 is no multiple of CHUNK.)
    const r = await race(fault('turns.worker.js'));
    failed(r, /^racers ran together/);
    expect(checkNamed(r, /^load-then-store loses updates/)).toMatchObject({ ok: false, skipped: true });
  });
});

describe('synchronization: the dining checks fail on their faults', () => {
  it('ordered taking forks like naive: "deadlock-free strategies finish" fails, on every run', async () => {
    const r = await dining({ strategies: ['ordered'], worker: fault('ordered-naive.worker.js') });
    failed(r, /^deadlock-free strategies finish/);
    // As set it deadlocks now and then; under stress, every time.
    const stressed = r.tables.find((t) => t.title.startsWith('Under stress'));
    expect(stressed?.rows.find((row) => row.strategy === 'ordered')?.deadlocks).toBe(1);
  });

  it('a detector that never reports: "naive deadlocks under stress and is caught" fails', async () => {
    const r = await dining({ strategies: ['ordered'], meals: 5, detect: () => null });
    failed(r, /^naive deadlocks under stress and is caught/);
  }, 30_000);

  it('a detector that reports the wrong cycle: "each deadlock matches the event log" fails', async () => {
    const wrong = (s: Parameters<typeof findCycle>[0]) => findCycle(s)?.map((e) => ({ ...e, waitsFor: e.holds[0] ?? e.waitsFor })) ?? null;
    failed(await dining({ strategies: ['ordered'], meals: 5, detect: wrong }), /^each deadlock matches the event log/);
  });

  it('philosophers deaf to the stop flag: "deadlocks ended by the stop flag" fails', async () => {
    failed(await dining({ strategies: ['naive'], meals: 5, worker: fault('stubborn-naive.worker.js') }), /^deadlocks ended by the stop flag/);
  });

  it('eating without forks: the exclusion and fork checks fail', async () => {
    const r = await dining({ strategies: ['ordered'], eat: [1, 2], worker: fault('no-forks.worker.js') });
    failed(r, /^no two neighbours ever eat at once/);
    failed(r, /^no fork in two hands, no meal without both/);
  });

  it('a meal counted twice: "every meal is accounted for" fails', async () => {
    failed(await dining({ strategies: ['ordered'], worker: fault('double-count.worker.js') }), /^every meal is accounted for/);
  });

  it('a waiter without seats: "the waiter never seats more than N-1" fails', async () => {
    failed(await dining({ strategies: ['waiter'], meals: 5, worker: fault('seatless-waiter.worker.js') }), /^the waiter never seats more than N-1/);
  });

  it('a log fed an overlap: "no two neighbours ever eat at once" fails (the check alone)', async () => {
    const EV = { TAKE: 3, EAT_START: 5, EAT_END: 6, DONE: 7 } as const;
    // P0 eats; P1 starts eating before P0 has ended (their forks kept apart, so only the overlap is wrong).
    const script: [number, number, number][] = [
      [0, EV.TAKE, 0],
      [0, EV.TAKE, 1],
      [0, EV.EAT_START, -1],
      [1, EV.EAT_START, -1],
      [0, EV.EAT_END, -1],
      [1, EV.EAT_END, -1],
    ];
    const entries = script.map(([phil, ev, fork], slot) => ({ slot, phil, ev, fork, t: slot })) as Dinner['entries'];
    const dinner = { strategy: 'ordered', stressed: false, replies: [], meals: [1, 1, 0], entries, overflow: 0, wallMs: 6, terminated: 0, maxSeated: 0, retries: 0 } as Dinner;
    const { ctx, report, done } = await labContext();
    try {
      checkDining(ctx, [{ dinner, log: replay(entries, 3) }], { n: 3, meals: 1, think: [0, 0], eat: [0, 0], reach: [0, 0], limitMs: 1, rendezvousMs: 0 });
    } finally {
      await done();
    }
    failed(report, /^no two neighbours ever eat at once/);
    expect(checkNamed(report, /^no two neighbours/).detail).toMatch(/P1 began eating in P0's meal/);
  });
});

describe('dining: a run that deadlocked or did not finish has no rate', () => {
  const base = { strategy: 'naive', stressed: true, replies: [], meals: [3, 2, 4], entries: [], overflow: 0, wallMs: 6, terminated: 0, maxSeated: 0, retries: 0 };
  it('a finished run: its wall time and meals per second', () => {
    expect(runCells({ ...base } as Dinner, 9)).toEqual({ wall: 6, rate: 1500 });
  });
  it('a deadlocked run: "deadlocked", not 9 meals over the 6 ms to the last one (1,500 meals/s)', () => {
    const cycle = [{ phil: 0, holds: 0, wants: 1 }];
    const d = { ...base, deadlock: { cycle, lastProgressMs: 6, detectedMs: 210 } } as unknown as Dinner;
    expect(runCells(d, 9)).toEqual({ wall: null, rate: 'deadlocked' });
  });
  it('an unfinished run: "unfinished"', () => {
    expect(runCells({ ...base, unfinished: 'not finished after 5.0 s' } as Dinner, 9)).toEqual({ wall: null, rate: 'unfinished' });
  });
});
