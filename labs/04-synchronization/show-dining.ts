/**
 * The dinners' tables, deadlock report, timeline, metrics and outputs, all
 * computed from the shared event log (replayed) and the shared counters.
 */
import type { LabContext } from '../../src/core/lab.js';
import { fmtNum } from '../../src/render/format.js';
import type { TimelineChart } from '../../src/core/report.js';
import { jainIndex, max } from '../../src/measure/stats.js';
import { describeCycle, shortCycle } from './deadlock.js';
import type { Dinner, DinnerConfig } from './dining.js';
import { replay, replayPrefix, type Replay } from './replay.js';

export interface Shown {
  dinner: Dinner;
  log: Replay;
}

const MAX_LANES = 16;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const ms = (v: number): string => `${fmtNum(v < 10 ? v : Math.round(v), 2)} ms`;

function result(d: Dinner, n: number): string {
  if (d.deadlock) return `deadlock: ${shortCycle(d.deadlock.cycle, 5)}`;
  if (d.unfinished) return 'did not finish';
  const extra = d.strategy === 'try-lock' ? ` (${d.retries} retries)` : d.strategy === 'waiter' ? ` (≤ ${d.maxSeated} of ${n} seated)` : '';
  return `finished${extra}`;
}

/**
 * The wall time and throughput of a dinner. One that deadlocked or did not
 * finish has neither: its meals stopped, they did not end, and meals over the
 * time to the last one eaten would be a rate of a table that was not working.
 */
export function runCells(d: Dinner, eaten: number): { wall: number | null; rate: number | string | null } {
  if (d.deadlock) return { wall: null, rate: 'deadlocked' };
  if (d.unfinished) return { wall: null, rate: 'unfinished' };
  return { wall: d.wallMs, rate: d.wallMs > 0 ? (eaten * 1000) / d.wallMs : null };
}

/** "ordered", or "ordered (stress)" for a run on the stressed table. */
export const label = (d: Dinner): string => `${d.strategy}${d.stressed ? ' (stress)' : ''}`;

export function showDining(ctx: LabContext<unknown>, dinners: Dinner[], cfg: DinnerConfig, stress: DinnerConfig): Shown[] {
  const { n } = cfg;
  const shown = dinners.map((dinner) => ({ dinner, log: replay(dinner.entries, n) }));
  const note =
    'Each philosopher is a worker thread; forks are Mutexes in one SharedArrayBuffer. Longest wait: hungry until eating (or until the table was stopped). ' +
    'Fairness: Jain’s index over meals per philosopher when the first one had eaten all of its meals (1 = equal shares, 1/N = one ate everything). ' +
    'A deadlock in naive is the lab working: the watchdog found the cycle, stopped the table and kept going. ' +
    'A table that deadlocked has no wall time or throughput: its meals stopped, they did not end.';
  dinnerTable(ctx, shown.filter((s) => !s.dinner.stressed), cfg, `Dining philosophers: ${n} threads, ${cfg.meals} meals each, think ${cfg.think.join('–')} ms, eat ${cfg.eat.join('–')} ms`, note);
  dinnerTable(
    ctx,
    shown.filter((s) => s.dinner.stressed),
    stress,
    'Under stress: think 0, eat 0, all hold a first fork before any takes a second',
    'Naive deadlocks here on every run (all N hold their left fork): the watchdog must catch it, and the table has no wall time or throughput. ' +
      'Every other strategy must finish all of its meals.',
  );

  const locked = shown.filter((s) => s.dinner.deadlock);
  if (locked.length) {
    ctx.table({
      title: 'Deadlocks detected (wait-for graph read from shared memory)',
      columns: [
        { key: 'strategy', label: 'strategy' },
        { key: 'cycle', label: 'cycle' },
        { key: 'last', label: 'last progress', unit: 'ms' },
        { key: 'detected', label: 'detected', unit: 'ms' },
        { key: 'stop', label: 'stop → table empty', unit: 'ms' },
        { key: 'killed', label: 'terminated' },
      ],
      rows: locked.map(({ dinner: d }) => ({
        strategy: label(d),
        cycle: shortCycle(d.deadlock?.cycle ?? [], 5),
        last: d.deadlock?.lastProgressMs ?? null,
        detected: d.deadlock?.detectedMs ?? null,
        stop: d.stopMs ?? null,
        killed: d.terminated,
      })),
      note: 'Times since the starting gun. A deadlock is called when nothing was logged for 100 ms and the same cycle was seen for 100 ms more.',
    });
    for (const { dinner: d } of locked) {
      const cycle = d.deadlock?.cycle ?? [];
      ctx.note(`Deadlock (${d.strategy}${d.stressed ? ' under stress' : ''}, ${cycle.length} philosophers): ${describeCycle(cycle, d.stressed ? 3 : 6)}.`);
      ctx.output(`dining.${d.stressed ? 'stress.' : ''}${d.strategy}.deadlock`, describeCycle(cycle));
    }
  }
  if (shown.some((s) => !s.dinner.stressed && s.dinner.strategy === 'naive' && !s.dinner.deadlock)) {
    ctx.note('naive finished as set: a deadlock needs every philosopher to hold its left fork at once. Under stress it cannot miss.');
  }
  const calm = shown.filter((s) => !s.dinner.stressed);
  timeline(ctx, calm.find((s) => s.dinner.deadlock) ?? calm[0], cfg);
  return shown;
}

function dinnerTable(ctx: LabContext<unknown>, shown: Shown[], cfg: DinnerConfig, title: string, note: string): void {
  if (!shown.length) return;
  const { n } = cfg;
  const rows = shown.map(({ dinner: d, log }) => {
    const eaten = sum(d.meals);
    const variant = { strategy: d.strategy, philosophers: n, ...(d.stressed ? { stress: true } : {}) };
    if (log.waits.length) ctx.metric({ name: 'dining.wait', unit: 'ms', better: 'lower', variant, samples: log.waits });
    if (!d.deadlock && !d.unfinished && d.wallMs > 0) ctx.metric({ name: 'dining.throughput', unit: 'meals/s', better: 'higher', variant, samples: [(eaten * 1000) / d.wallMs] });
    return {
      strategy: d.strategy,
      meals: eaten,
      ...runCells(d, eaten),
      wait: log.waits.length + log.openWaits.length ? max([...log.waits, ...log.openWaits]) : null,
      jain: eaten > 0 ? jainIndex(log.sharesAtFirstDone) : null, // no meals: no shares to compare
      deadlocks: d.deadlock ? 1 : 0,
      result: result(d, n),
    };
  });
  const rateOf = (r: (typeof rows)[number]): number => (typeof r.rate === 'number' ? r.rate : 0);
  const finished = rows.map((r, i) => ({ r, i })).filter(({ i }) => !shown[i]?.dinner.deadlock && !shown[i]?.dinner.unfinished);
  const best = finished.reduce<{ r: (typeof rows)[number]; i: number } | null>((b, x) => (!b || rateOf(x.r) > rateOf(b.r) ? x : b), null);
  ctx.table({
    title,
    columns: [
      { key: 'strategy', label: 'strategy' },
      { key: 'meals', label: 'meals' },
      { key: 'wall', label: 'wall', unit: 'ms' },
      { key: 'rate', label: 'throughput', unit: 'meals/s', align: 'right' },
      { key: 'wait', label: 'longest wait', unit: 'ms' },
      { key: 'jain', label: 'fairness (Jain)' },
      { key: 'deadlocks', label: 'deadlocks' },
      { key: 'result', label: 'result' },
    ],
    rows,
    ...(best && rows.length > 1 ? { highlight: [best.i] } : {}),
    note,
  });
}

/** A short window of the run: its start, or the moment a deadlock set in. */
function timeline(ctx: LabContext<unknown>, s: Shown | undefined, cfg: DinnerConfig): void {
  if (!s) return;
  const mean = (cfg.think[0] + cfg.think[1] + cfg.eat[0] + cfg.eat[1]) / 2;
  const width = Math.min(400, Math.max(4, 25 * mean));
  const d = s.dinner;
  const start = d.deadlock ? Math.max(0, d.deadlock.lastProgressMs - 0.7 * width) : 0;
  const end = d.deadlock ? start + width : Math.min(start + width, Math.max(d.wallMs, 0.001));
  const lanes = s.log.segments.slice(0, MAX_LANES).map((segs, p) => ({
    name: `P${p}`,
    segments: segs
      .filter((g) => g.end > start && g.start < end)
      .map((g) => ({ start: Math.max(g.start, start), end: Math.min(g.end, end), state: g.state })),
  }));
  const more = cfg.n > MAX_LANES ? ` (P0–P${MAX_LANES - 1} of ${cfg.n})` : '';
  const chart: TimelineChart = {
    type: 'timeline',
    title: `State timeline, ${d.strategy}${more}: ${d.deadlock ? 'the deadlock sets in' : 'the first ' + ms(end - start)}`,
    unit: 'ms',
    start,
    end,
    states: { thinking: '.', hungry: '-', eating: '█' },
    lanes,
  };
  ctx.chart(chart);
}
