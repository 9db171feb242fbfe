/** One small table: each src/sync primitive the lab used, and what this run measured of it (race and every dinner). */
import type { LabContext } from '../../src/core/lab.js';
import { median } from '../../src/measure/stats.js';
import { fmtNum } from '../../src/render/format.js';
import type { DinnerConfig } from './dining.js';
import type { Race } from './race.js';
import type { Shown } from './show-dining.js';
import { EV } from './table.js';

/** A count with thousands separators (350,994), as in the tables. */
const fmt = (v: number): string => v.toLocaleString('en-US');

export function showPrimitives(ctx: LabContext<unknown>, race: Race, shown: Shown[], cfg: DinnerConfig): void {
  const rows: { primitive: string; role: string; measured: string }[] = [];
  const spread = race.results.flatMap((r) => r.spread);
  rows.push({
    primitive: `Barrier(${race.workers})`,
    role: 'starting line of every race run',
    measured: `${fmt(race.generations)} generations for ${fmt(race.runs)} runs; racers then started ${fmtNum(median(spread))} ms apart (median)`,
  });
  const mutex = race.results.find((r) => r.method === 'mutex');
  if (mutex) {
    const lost = mutex.counts.reduce((a, c) => a + (race.expected - c), 0);
    rows.push({
      primitive: 'Mutex',
      role: 'guards the race counter',
      measured: `${fmt(lost)} of ${fmt(race.expected * mutex.counts.length)} increments lost; ${fmtNum((median(mutex.wall) * 1e6) / race.expected)} ns of wall time per increment`,
    });
  }
  const takes = shown.reduce((a, s) => a + s.dinner.entries.filter((e) => e.ev === EV.TAKE).length, 0);
  const bad = shown.reduce((a, s) => a + s.log.forkCount, 0);
  rows.push({ primitive: `Mutex × ${cfg.n}`, role: 'the forks', measured: `${fmt(takes)} takes logged, ${fmt(bad)} with a fork in two hands` });
  const waiters = shown.filter((s) => s.dinner.strategy === 'waiter');
  if (waiters.length) {
    const most = Math.max(...waiters.map((s) => s.dinner.maxSeated));
    rows.push({ primitive: `BoundedSemaphore(${cfg.n - 1})`, role: 'the waiter', measured: `at most ${most} of ${cfg.n} seated at once` });
  }
  // The starting gun: how long after it every philosopher had logged its first event.
  const off = shown.map((s) => {
    const first = new Map<number, number>();
    for (const e of s.dinner.entries) if (e.ev === EV.THINK && !first.has(e.phil)) first.set(e.phil, e.t);
    return first.size ? Math.max(...first.values()) : NaN;
  });
  const stops = shown.flatMap((s) => (s.dinner.stopMs === undefined ? [] : [s.dinner.stopMs]));
  rows.push({
    primitive: 'Event',
    role: 'starting gun, stop flag, Chandy–Misra doorbells',
    measured: `all off ${fmtNum(median(off.filter(Number.isFinite)))} ms after the gun (median)${stops.length ? `; stop flag to empty table ${fmtNum(Math.max(...stops))} ms` : ''}`,
  });
  const events = shown.reduce((a, s) => a + s.dinner.entries.length, 0);
  const overflow = shown.reduce((a, s) => a + s.dinner.overflow, 0);
  rows.push({ primitive: 'Atomics.add', role: 'claims event-log slots', measured: `${fmt(events)} events logged, ${fmt(overflow)} dropped` });
  ctx.table({
    title: 'The primitives at work (src/sync, one SharedArrayBuffer), measured in this run',
    columns: [
      { key: 'primitive', label: 'primitive' },
      { key: 'role', label: 'used as' },
      { key: 'measured', label: 'measured' },
    ],
    rows,
  });
}
