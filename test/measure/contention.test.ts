import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BUSY_MACHINE_CORES,
  busyMsFromProcStat,
  checkOnTries,
  judge,
  loadNote,
  loadSpan,
  machineBusyMs,
  MAX_TRIES,
  othersCores,
  othersOver,
  untilQuiet,
  type Try,
} from '../../src/measure/contention.js';

/** /proc/stat's first lines: user nice system idle iowait irq softirq steal guest guest_nice (in 10 ms ticks). */
const stat = (user: number, system: number, idle: number, steal = 0): string =>
  `cpu  ${user} 0 ${system} ${idle} 5 0 3 ${steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 12345\n`;

describe('contention: others\' load from /proc/stat', () => {
  it('counts user, nice, system, irq, softirq and steal as busy; idle and iowait not', () => {
    expect(busyMsFromProcStat('cpu  100 20 30 9999 88 4 5 6 0 0\n')).toBe((100 + 20 + 30 + 4 + 5 + 6) * 10);
    expect(busyMsFromProcStat('')).toBeNull();
    expect(busyMsFromProcStat('intr 1 2 3\n')).toBeNull();
    expect(busyMsFromProcStat('cpu  1 x 3 4\n')).toBeNull();
  });

  it("computes others' load in cores from the machine's busy time less our own", () => {
    // 300 ms of machine CPU over 100 ms of wall, 150 ms of it ours: 1.5 cores of others.
    expect(othersCores(300, 150, 100)).toBeCloseTo(1.5, 12);
    // Tick rounding can put our own CPU above the machine's: never below 0.
    expect(othersCores(100, 130, 100)).toBe(0);
    expect(othersCores(null, 10, 100)).toBeNull();
    expect(othersCores(10, 10, 0)).toBeNull();
  });

  it('judges two /proc/stat readings: a lab alone on its cores is quiet; one beside a busy process is not', () => {
    const before = busyMsFromProcStat(stat(1000, 500, 50_000));
    // 1 s of wall on 2 cores: the lab used 1.9 s of CPU, the machine 1.95 s: others 0.05 cores.
    const alone = busyMsFromProcStat(stat(1000 + 160, 500 + 35, 50_000 + 5));
    const others1 = othersCores((alone as number) - (before as number), 1900, 1000);
    expect(others1).toBeCloseTo(0.05, 9);
    expect(judge(false, others1)).toBe('fail');
    // The same lab result with a process beside it that took 0.8 cores (some of it stolen by the host).
    const crowded = busyMsFromProcStat(stat(1000 + 200, 500 + 50, 50_000, 20));
    const others2 = othersCores((crowded as number) - (before as number), 1900, 1000);
    expect(others2).toBeCloseTo(0.8, 9);
    expect(judge(false, others2)).toBe('busy');
    // A pass beside a busy process counts only when load could not have faked it.
    expect(judge(true, others2)).toBe('busy');
    expect(judge(true, others2, BUSY_MACHINE_CORES, true)).toBe('pass');
    expect(judge(true, others1)).toBe('pass');
    // Nothing measured: nothing to excuse a miss with.
    expect(judge(false, null)).toBe('fail');
    expect(judge(false, BUSY_MACHINE_CORES)).toBe('busy');
    expect(judge(false, BUSY_MACHINE_CORES - 0.01)).toBe('fail');
  });

  it('sums several spans before dividing', () => {
    const spans = [
      { busyMs: 200, ownCpuMs: 190, wallMs: 100 },
      { busyMs: 300, ownCpuMs: 100, wallMs: 100 },
    ];
    expect(othersOver(spans)).toBeCloseTo(210 / 200, 12);
    expect(othersOver([...spans, { busyMs: null, ownCpuMs: 1, wallMs: 1 }])).toBeNull();
    expect(othersOver([])).toBeNull();
  });

  it('reads a growing busy counter from /proc/stat where there is one, and a span sees our own CPU', () => {
    const a = machineBusyMs();
    if (!existsSync('/proc/stat')) return expect(a).toBeNull();
    const t0 = performance.now();
    const span = loadSpan();
    const c0 = process.cpuUsage();
    const cpuMs = (): number => {
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    };
    while (cpuMs() < 60) {
      /* burn 60 ms of CPU (however long the machine takes to give it): at least 5 ticks of 10 ms */
    }
    const b = machineBusyMs();
    const r = span.end(5);
    const wall = performance.now() - t0;
    expect(a).not.toBeNull();
    expect((b as number) - (a as number)).toBeGreaterThanOrEqual(40);
    expect(r.ownCpuMs).toBeGreaterThanOrEqual(60 + 5);
    // Our CPU counts every thread of this process (GC, the test runner's), so it can exceed the wall time.
    expect(r.wallMs).toBeGreaterThan(0);
    expect(r.wallMs).toBeLessThanOrEqual(wall);
    expect(r.busyMs).not.toBeNull();
  });
});

describe('contention: measure again while busy, then skip', () => {
  /** Attempts that replay given (ok, load) pairs, counting how many ran. */
  const replay = (outcomes: [boolean, number | null][], trustBusyPass = false) => {
    let calls = 0;
    const attempt = async (n: number): Promise<Try<number>> => {
      calls++;
      const [ok, load] = outcomes[n - 1] ?? [false, 9];
      return { value: n, ok, othersCores: load, trustBusyPass };
    };
    return { attempt, calls: () => calls };
  };

  it('stops at the first pass on a quiet machine, or with the load unknown', async () => {
    expect(await untilQuiet(replay([[true, 0.1]]).attempt)).toMatchObject({ verdict: 'pass', tries: 1, value: 1, loads: [0.1] });
    expect(await untilQuiet(replay([[true, null]]).attempt)).toMatchObject({ verdict: 'pass', tries: 1 });
  });

  it('measures a pass on a busy machine again (load on a baseline can fake one), unless load cannot fake it', async () => {
    const r = replay([
      [true, 1.2],
      [true, 0.1],
    ]);
    expect(await untilQuiet(r.attempt)).toMatchObject({ verdict: 'pass', tries: 2, loads: [1.2, 0.1] });
    expect(await untilQuiet(replay([[true, 1.2]], true).attempt)).toMatchObject({ verdict: 'pass', tries: 1 });
    expect(await untilQuiet(replay([[false, 1.2]], true).attempt)).toMatchObject({ verdict: 'busy', tries: 3 });
  });

  it('stops at a miss on a quiet machine: that is a failure, not a reason to try again', async () => {
    const r = replay([[false, 0.05]]);
    expect(await untilQuiet(r.attempt)).toMatchObject({ verdict: 'fail', tries: 1 });
    expect(r.calls()).toBe(1);
  });

  it('measures again while busy, and keeps the last try', async () => {
    const r = replay([
      [false, 0.9],
      [false, 0.7],
      [true, 0.1],
    ]);
    let pauses = 0;
    const t = await untilQuiet(r.attempt, { between: async () => void pauses++ });
    expect(t).toMatchObject({ verdict: 'pass', tries: 3, value: 3, loads: [0.9, 0.7, 0.1] });
    expect(pauses).toBe(2);
  });

  it('fails when a later try is quiet and still misses', async () => {
    const r = replay([
      [false, 0.9],
      [false, 0.1],
    ]);
    expect(await untilQuiet(r.attempt)).toMatchObject({ verdict: 'fail', tries: 2, loads: [0.9, 0.1] });
  });

  it(`is busy only after ${MAX_TRIES} busy tries, and never tries more`, async () => {
    const r = replay([
      [false, 0.9],
      [false, 1.1],
      [false, 0.5],
      [true, 0],
    ]);
    expect(await untilQuiet(r.attempt)).toMatchObject({ verdict: 'busy', tries: MAX_TRIES, loads: [0.9, 1.1, 0.5] });
    expect(r.calls()).toBe(MAX_TRIES);
    const once = replay([[false, 2]]);
    expect(await untilQuiet(once.attempt, { tries: 1 })).toMatchObject({ verdict: 'busy', tries: 1 });
    // An infinite limit excuses nothing (the fault tests use it).
    expect(await untilQuiet(replay([[false, 5]]).attempt, { limit: Infinity })).toMatchObject({ verdict: 'fail', tries: 1 });
  });

  it('records a check on the last try: passed, failed, or skipped with the figures and the tries (a trusted pass stands)', async () => {
    const sink = { got: [] as unknown[], check: (...a: unknown[]) => sink.got.push(['check', ...a]), skip: (...a: unknown[]) => sink.got.push(['skip', ...a]) };
    const busy = { tries: 3, loads: [0.9, 1.1, 0.5], verdict: 'busy' as const, limit: 0.3 };
    checkOnTries(sink, 'a', false, 'S(2) = 1.02', busy);
    checkOnTries(sink, 'b', true, 'cores busy 1.9', busy);
    checkOnTries(sink, 'c', false, 'S(2) = 1.02', { ...busy, tries: 1, loads: [0.05], verdict: 'fail' });
    checkOnTries(sink, 'd', true, 'cores busy 1.9', busy, true);
    checkOnTries(sink, 'e', false, 'cores busy 0.9', busy, true);
    expect(sink.got).toEqual([
      ['skip', 'a', 'the machine stayed busy: other processes used 0.90, 1.10, 0.50 cores in 3 tries (limit 0.3); last try: S(2) = 1.02'],
      ['skip', 'b', 'the machine stayed busy: other processes used 0.90, 1.10, 0.50 cores in 3 tries (limit 0.3); last try: cores busy 1.9'],
      ['check', 'c', false, "S(2) = 1.02; others' load 0.05 cores"],
      ['check', 'd', true, "cores busy 1.9; others' load 0.90, 1.10, 0.50 cores in 3 tries"],
      ['skip', 'e', 'the machine stayed busy: other processes used 0.90, 1.10, 0.50 cores in 3 tries (limit 0.3); last try: cores busy 0.9'],
    ]);
    expect(loadNote({ tries: 1, loads: [null] })).toBe("others' load unknown (no /proc/stat)");
  });
});
