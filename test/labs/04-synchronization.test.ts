import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCycle, findCycle, shortCycle } from '../../labs/04-synchronization/deadlock.js';
import { chunks, interleaving, togetherMs } from '../../labs/04-synchronization/overlap.js';
import { replay } from '../../labs/04-synchronization/replay.js';
import { EV, type EventCode, type LogEntry } from '../../labs/04-synchronization/table.js';
import { ROOT, runCli, runLab } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';

type Report = import('../../src/core/report.js').Report;

function everyCheckOkOrSkippedWithReason(r: Report): void {
  expect(r.checks.length).toBeGreaterThan(0);
  for (const c of r.checks) {
    if (c.skipped) expect(c.reason, c.name).toBeTruthy();
    else expect(c.ok, `${c.name}: ${c.detail ?? ''}`).toBe(true);
  }
  expect(r.status).toBe('ok');
}

const check = (r: Report, name: RegExp) => r.checks.find((c) => name.test(c.name));
const dining = (r: Report) => r.tables.find((t) => t.title.startsWith('Dining philosophers'));
const stressed = (r: Report) => r.tables.find((t) => t.title.startsWith('Under stress'));

/** A log from a compact script: [phil, event, fork?] in slot order, one ms apart. */
function log(script: [number, EventCode, number?][]): LogEntry[] {
  return script.map(([phil, ev, fork], slot) => ({ slot, phil, ev, fork: fork ?? -1, t: slot }));
}
const meal = (p: number, n: number): [number, EventCode, number?][] => [
  [p, EV.HUNGRY],
  [p, EV.TAKE, p],
  [p, EV.TAKE, (p + 1) % n],
  [p, EV.EAT_START],
  [p, EV.EAT_END],
  [p, EV.PUT, (p + 1) % n],
  [p, EV.PUT, p],
];

describe('synchronization: the wait-for graph (pure)', () => {
  it('finds the ring of a naive deadlock and words it as the book does', () => {
    const c = findCycle({ waiting: [1, 2, 0], holder: [0, 1, 2] });
    expect(c?.map((e) => e.phil)).toEqual([0, 1, 2]);
    expect(describeCycle(c ?? [])).toBe(
      'P0 holds F0, waits for F1 (held by P1) → P1 holds F1, waits for F2 (held by P2) → P2 holds F2, waits for F0 (held by P0) → back to P0',
    );
    expect(shortCycle(c ?? [])).toBe('P0 → P1 → P2 → P0');
  });

  it('starts the cycle at its lowest philosopher and ignores those outside it', () => {
    // P1 holds F1 and waits for F2; P2 holds F2 (and F0) and waits for F1; P3 waits for F0.
    const c = findCycle({ waiting: [-1, 2, 1, 0], holder: [2, 1, 2, -1] });
    expect(c?.map((e) => [e.phil, e.waitsFor, e.heldBy])).toEqual([
      [1, 2, 2],
      [2, 1, 1],
    ]);
  });

  it('sees no cycle in a chain that ends, nor in a philosopher holding what it waits for', () => {
    expect(findCycle({ waiting: [1, 2, -1], holder: [0, 1, 2] })).toBeNull(); // P2 eats: the chain drains
    expect(findCycle({ waiting: [0, -1], holder: [0, 1] })).toBeNull(); // self-edge: P0 just got F0
    expect(findCycle({ waiting: [1, 0], holder: [-1, -1] })).toBeNull(); // free forks: nobody is stuck
  });

  it('shortens a long cycle in the middle', () => {
    const n = 64;
    const c = findCycle({ waiting: Array.from({ length: n }, (_, i) => (i + 1) % n), holder: Array.from({ length: n }, (_, f) => f) });
    expect(c).toHaveLength(n);
    expect(shortCycle(c ?? [])).toBe('P0 → P1 → P2 → P3 → … → P63 → P0');
    expect(describeCycle(c ?? [], 4)).toMatch(/^P0 holds F0, .* → … \(60 more\) → P63 holds F63, waits for F0 \(held by P0\) → back to P0$/);
  });
});

describe('synchronization: replaying the event log (pure)', () => {
  it('counts meals and waits of a correct log, and finds nothing wrong', () => {
    const r = replay(log([...meal(0, 3), ...meal(1, 3), ...meal(2, 3), [0, EV.DONE], [1, EV.DONE], [2, EV.DONE]]), 3);
    expect(r.meals).toEqual([1, 1, 1]);
    expect(r.neighbourCount + r.forkCount + r.unpaired).toBe(0);
    expect(r.waits).toEqual([3, 3, 3]);
    expect(r.holders).toEqual([-1, -1, -1]);
  });

  it('catches two neighbours eating at once, and the fork in two hands behind it', () => {
    const r = replay(
      log([
        [0, EV.TAKE, 0],
        [0, EV.TAKE, 1],
        [0, EV.EAT_START],
        [1, EV.TAKE, 1], // F1 is still in P0's hand
        [1, EV.TAKE, 2],
        [1, EV.EAT_START],
      ]),
      3,
    );
    expect(r.neighbourCount).toBe(1);
    expect(r.neighbourViolations[0]).toMatch(/P1 began eating in P0's meal/);
    expect(r.forkCount).toBe(1);
    expect(r.unpaired).toBe(2); // two meals that never ended
  });

  it('catches a meal eaten without both forks and an end without a start', () => {
    const r = replay(log([[0, EV.TAKE, 0], [0, EV.EAT_START], [1, EV.EAT_END]]), 2);
    expect(r.forkViolations[0]).toMatch(/P0 ate without holding F0 and F1/);
    expect(r.unpaired).toBe(2);
    expect(r.meals).toEqual([0, 0]);
  });

  it('gives shares at the first finish, which is where unfairness shows', () => {
    const r = replay(log([...meal(0, 2), ...meal(0, 2), [0, EV.DONE], ...meal(1, 2), ...meal(1, 2), [1, EV.DONE]]), 2);
    expect(r.meals).toEqual([2, 2]);
    expect(r.sharesAtFirstDone).toEqual([2, 0]);
  });
});

describe('synchronization: when racers raced (pure)', () => {
  it('counts the time at least two loops were open at once', () => {
    expect(togetherMs([{ t0: 0, t1: 10 }, { t0: 4, t1: 6 }])).toBe(2);
    expect(togetherMs([{ t0: 0, t1: 10 }, { t0: 5, t1: 20 }, { t0: 8, t1: 12 }])).toBe(7); // 5..12
    expect(togetherMs([{ t0: 0, t1: 4 }, { t0: 4, t1: 8 }, { t0: 9, t1: 10 }])).toBe(0); // touching is not overlapping
    expect(togetherMs([{ t0: 3, t1: 3 }, { t0: 0, t1: 9 }])).toBe(0);
    expect(togetherMs([])).toBe(0);
  });

  it('tells chunks that ran from chunks that waited for a core', () => {
    // Chunks of 1 ms, one of 10 ms: that one waited.
    const c = chunks({ t0: 0, stamps: [1, 2, 12, 13] });
    expect(c.ran).toEqual([{ t0: 0, t1: 1 }, { t0: 1, t1: 2 }, { t0: 12, t1: 13 }]);
    expect(c.waited).toEqual([{ t0: 2, t1: 12 }]);
    expect(chunks({ t0: 5, stamps: [] })).toEqual({ ran: [], waited: [] });
  });

  it('sees racers run at once, take turns on one core, or run one after another', () => {
    const steady = (t0: number, n: number) => ({ t0, stamps: Array.from({ length: n }, (_, i) => t0 + i + 1) });
    // Two cores: both run 0..10.
    expect(interleaving([steady(0, 10), steady(0, 10)])).toEqual({ atOnceMs: 10, turns: 0 });
    // One core: A runs 0..3, waits 3..13 while B runs, then finishes.
    const a = { t0: 0, stamps: [1, 2, 3, 13, 14, 15] };
    expect(interleaving([a, steady(3, 10)])).toEqual({ atOnceMs: 0, turns: 1 });
    // One after another: nothing to race.
    expect(interleaving([steady(0, 5), steady(5, 5)])).toEqual({ atOnceMs: 0, turns: 0 });
    // A waits while nobody else runs (the machine's other work): no turn.
    expect(interleaving([a, steady(20, 5)])).toEqual({ atOnceMs: 0, turns: 0 });
  });
});

describe('synchronization: the lab', () => {
  it('runs --quick: the race, all five strategies as set and under stress, the primitives, a timeline; every check ok or skipped', async () => {
    const r = await runLab(4, ['--quick']);
    expect(r.error).toBeUndefined();
    expect(schemaErrors(r)).toEqual([]);
    everyCheckOkOrSkippedWithReason(r);

    const race = r.tables.find((t) => t.title.startsWith('The race'));
    expect(race?.rows).toHaveLength(4);
    expect(r.outputs['race.expected']).toBe(4 * 500_000);
    expect(r.outputs['race.atomic.count']).toBe(4 * 500_000);
    expect(r.outputs['race.mutex.count']).toBe(4 * 500_000);
    for (const method of ['plain', 'load-store', 'atomic', 'mutex']) {
      expect(r.metrics.find((m) => m.name === 'race.time' && m.variant.method === method)?.samples).toHaveLength(3);
    }
    for (const name of [/^Atomics.add loses no update/, /^the mutex loses no update/, /^the barrier released/, /^racers ran together/]) {
      expect(check(r, name)?.ok, String(name)).toBe(true);
    }
    const ls = check(r, /^load-then-store loses updates/);
    expect(ls?.ok || ls?.skipped).toBe(true); // skipped only when no run's loops overlapped
    expect(check(r, /plain/)).toBeUndefined(); // plain c[0]++ is an observation
    expect(r.notes.some((n) => n.startsWith('plain c[0]++ (shown, not checked)'))).toBe(true);

    const table = dining(r);
    expect(table?.rows.map((row) => row.strategy)).toEqual(['naive', 'ordered', 'waiter', 'chandy-misra', 'try-lock']);
    expect(stressed(r)?.rows.map((row) => row.strategy)).toEqual(['naive', 'ordered', 'waiter', 'chandy-misra', 'try-lock']);
    for (const row of [...(table?.rows.slice(1) ?? []), ...(stressed(r)?.rows.slice(1) ?? [])]) {
      expect(row.meals).toBe(5 * 20);
      expect(row.deadlocks).toBe(0);
      expect(row.jain as number).toBeGreaterThan(0.2);
      expect(row.jain as number).toBeLessThanOrEqual(1);
    }
    expect(stressed(r)?.rows[0]?.deadlocks).toBe(1); // forced, every run
    // A table that deadlocked has no throughput (meals over the time to the last one would be one) and no wall time.
    for (const row of [...(table?.rows ?? []), ...(stressed(r)?.rows ?? [])]) {
      if (row.deadlocks === 1) expect([row.rate, row.wall], String(row.strategy)).toEqual(['deadlocked', null]);
      else expect(row.rate as number, String(row.strategy)).toBeGreaterThan(0);
    }
    expect(r.metrics.some((m) => m.name === 'dining.throughput' && m.variant.strategy === 'naive' && m.variant.stress)).toBe(false);
    for (const s of ['ordered', 'waiter', 'chandy-misra', 'try-lock']) {
      expect(r.outputs[`dining.${s}.meals`]).toBe(100);
      expect(r.outputs[`dining.stress.${s}.meals`]).toBe(100);
    }
    expect(r.outputs['dining.stress.naive.deadlock']).toBe(
      'P0 holds F0, waits for F1 (held by P1) → P1 holds F1, waits for F2 (held by P2) → P2 holds F2, waits for F3 (held by P3) → P3 holds F3, waits for F4 (held by P4) → P4 holds F4, waits for F0 (held by P0) → back to P0',
    );
    for (const name of [
      /^no two neighbours ever eat at once/,
      /^no fork in two hands/,
      /^every meal is accounted for/,
      /^deadlock-free strategies finish/,
      /^naive as set finishes/,
      /^naive deadlocks under stress and is caught/,
      /^each deadlock matches the event log/,
      /^deadlocks ended by the stop flag/,
      /^the waiter never seats more than N-1 = 4/,
    ]) {
      expect(check(r, name)?.ok, String(name)).toBe(true);
    }
    expect(r.tables.find((t) => t.title.startsWith('The primitives at work'))?.rows.length).toBeGreaterThanOrEqual(5);
    const tl = r.charts.find((c) => c.type === 'timeline');
    expect(tl?.type === 'timeline' && tl.lanes.map((l) => l.name)).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);
    expect(typeof r.outputs['dining.schedule']).toBe('number');
    expect(r.headline?.label).toMatch(/lost/);

    // As printed on an 80-column terminal, nothing is wider.
    const { renderText } = (await import(path.join(ROOT, 'dist/src/render/text.js'))) as typeof import('../../src/render/text.js');
    const { makeStyle } = (await import(path.join(ROOT, 'dist/src/render/style.js'))) as typeof import('../../src/render/style.js');
    const { displayWidth } = (await import(path.join(ROOT, 'dist/src/render/format.js'))) as typeof import('../../src/render/format.js');
    for (const l of renderText(r, makeStyle(false, 80)).split('\n')) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
  });

  it('the same seed plans the same schedule', async () => {
    const args = ['--quick', '--strategy', 'chandy-misra', '--increments', '1000', '--repeat', '1', '--warmup', '0', '--seed', '7'];
    const [a, b] = [await runLab(4, args), await runLab(4, args)];
    expect(a.outputs['dining.schedule']).toBe(b.outputs['dining.schedule']);
    const c = await runLab(4, [...args.slice(0, -1), '8']);
    expect(c.outputs['dining.schedule']).not.toBe(a.outputs['dining.schedule']);
  });

  it('seats 64 philosophers in --quick form (chandy-misra, and naive forced under stress) and passes its checks', async () => {
    // One strategy: each dinner of 64 threads costs seconds on a busy 2-core machine.
    const r = await runLab(4, ['--quick', '--philosophers', '64', '--strategy', 'chandy-misra', '--increments', '1000']);
    expect(schemaErrors(r)).toEqual([]);
    everyCheckOkOrSkippedWithReason(r);
    expect(stressed(r)?.rows.map((x) => x.strategy)).toEqual(['naive', 'chandy-misra']);
    for (const row of [...(dining(r)?.rows ?? []), ...(stressed(r)?.rows ?? [])].filter((x) => x.strategy !== 'naive')) expect(row.meals).toBe(64 * 20);
    expect(check(r, /^naive deadlocks under stress/)?.detail).toMatch(/^cycle of 64 caught/);
    const tl = r.charts.find((c) => c.type === 'timeline');
    expect(tl?.type === 'timeline' && tl.lanes.length).toBe(16); // the rest are not drawn
  }, 90_000);

  it('naive deadlocks: detected, shown with its cycle, ended cleanly, exit 0 (under stress every time; with zero think and eat times as set, most times)', async () => {
    const args = ['lab', '4', '--quick', '--strategy', 'naive', '--think', '0', '--eat', '0', '--philosophers', '8', '--increments', '1000', '--json'];
    const res = await runCli(args, { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0); // the process ended by itself: no worker kept it alive
    expect(res.ms).toBeLessThan(15_000);
    const r = JSON.parse(res.stdout) as Report;
    expect(schemaErrors(r)).toEqual([]);
    everyCheckOkOrSkippedWithReason(r);
    expect(stressed(r)?.rows).toHaveLength(1); // naive alone under stress too
    const forced = stressed(r)?.rows[0];
    expect(forced?.deadlocks).toBe(1);
    expect(forced?.result).toBe('deadlock: P0 → P1 → P2 → … → P7 → P0');
    expect(r.outputs['dining.stress.naive.deadlock']).toMatch(/^P0 holds F0, waits for F1 \(held by P1\) → P1 holds F1, waits for F2 \(held by P2\) → .* → P7 holds F7, waits for F0 \(held by P0\) → back to P0$/);
    expect(r.notes.some((n) => n.startsWith('Deadlock (naive under stress, 8 philosophers): P0 holds F0'))).toBe(true);
    // As set, a deadlock is likely but timing decides: if there was one, it is shown the same way.
    const calm = dining(r)?.rows[0];
    const locked = calm?.deadlocks === 1;
    expect(r.tables.find((t) => t.title.startsWith('Deadlocks detected'))?.rows).toHaveLength(locked ? 2 : 1);
    if (locked) {
      expect(calm?.result).toMatch(/^deadlock: P0 → P1 → /);
      expect(r.outputs['dining.naive.deadlock']).toMatch(/^P0 holds F0, waits for F1 \(held by P1\) → .* → back to P0$/);
      expect(r.notes.some((n) => n.startsWith('Deadlock (naive, 8 philosophers): P0 holds F0'))).toBe(true);
    } else {
      expect(calm?.result).toBe('finished');
    }
    expect(check(r, /^naive deadlocks under stress and is caught/)?.detail).toMatch(/^cycle of 8 caught/);
    expect(check(r, /^each deadlock matches the event log/)?.ok).toBe(true);
    expect(check(r, /^deadlocks ended by the stop flag/)?.ok).toBe(true);
  });

  it.each([
    [['--philosophers', 'abc'], '--philosophers must be an integer from 2 to 64, got "abc"'],
    [['--philosophers', '-3'], '--philosophers must be an integer from 2 to 64, got "-3"'],
    [['--philosophers', '1e9'], '--philosophers must be an integer from 2 to 64, got "1e9"'],
    [['--philosophers', '1'], '--philosophers must be an integer from 2 to 64, got "1"'],
    [['--strategy', 'nope'], '--strategy must be one of all, naive, ordered, waiter, chandy-misra, try-lock, got "nope"'],
    [['--think', '5-2'], '--think must be a range in ms'],
  ])('refuses %j with exit 2 and one clear line', async (args, message) => {
    const res = await runCli(['lab', '4', ...args], { timeoutMs: 20_000 });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(message);
  });
});
