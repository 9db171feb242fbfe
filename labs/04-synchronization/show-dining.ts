/**
 * The dinners' table, deadlock report, timeline, metrics, checks and outputs,
 * all computed from the shared event log (replayed) and the shared counters.
 */
import type { LabContext } from '../../src/core/lab.js';
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
const ms = (v: number): string => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;

function result(d: Dinner, n: number): string {
  if (d.deadlock) return `deadlock: ${shortCycle(d.deadlock.cycle, 5)}`;
  if (d.unfinished) return 'did not finish';
  const extra = d.strategy === 'try-lock' ? ` (${d.retries} retries)` : d.strategy === 'waiter' ? ` (≤ ${d.maxSeated} of ${n} seated)` : '';
  return `finished${extra}`;
}

export function showDining(ctx: LabContext<unknown>, dinners: Dinner[], cfg: DinnerConfig): Shown[] {
  const { n, meals } = cfg;
  const shown = dinners.map((dinner) => ({ dinner, log: replay(dinner.entries, n) }));
  const rows = shown.map(({ dinner: d, log }) => {
    const eaten = sum(d.meals);
    const variant = { strategy: d.strategy, philosophers: n };
    if (log.waits.length) ctx.metric({ name: 'dining.wait', unit: 'ms', better: 'lower', variant, samples: log.waits });
    if (!d.deadlock && !d.unfinished && d.wallMs > 0) ctx.metric({ name: 'dining.throughput', unit: 'meals/s', better: 'higher', variant, samples: [(eaten * 1000) / d.wallMs] });
    return {
      strategy: d.strategy,
      meals: eaten,
      wall: d.wallMs,
      rate: d.wallMs > 0 ? (eaten * 1000) / d.wallMs : null,
      wait: log.waits.length + log.openWaits.length ? max([...log.waits, ...log.openWaits]) : null,
      jain: eaten > 0 ? jainIndex(log.sharesAtFirstDone) : null, // no meals: no shares to compare
      deadlocks: d.deadlock ? 1 : 0,
      result: result(d, n),
    };
  });
  const finished = rows.map((r, i) => ({ r, i })).filter(({ i }) => !dinners[i]?.deadlock && !dinners[i]?.unfinished);
  const best = finished.reduce<{ r: (typeof rows)[number]; i: number } | null>((b, x) => (!b || (x.r.rate ?? 0) > (b.r.rate ?? 0) ? x : b), null);
  ctx.table({
    title: `Dining philosophers: ${n} threads, ${meals} meals each, think ${cfg.think.join('–')} ms, eat ${cfg.eat.join('–')} ms`,
    columns: [
      { key: 'strategy', label: 'strategy' },
      { key: 'meals', label: 'meals' },
      { key: 'wall', label: 'wall', unit: 'ms' },
      { key: 'rate', label: 'throughput', unit: 'meals/s' },
      { key: 'wait', label: 'longest wait', unit: 'ms' },
      { key: 'jain', label: 'fairness (Jain)' },
      { key: 'deadlocks', label: 'deadlocks' },
      { key: 'result', label: 'result' },
    ],
    rows,
    ...(best && rows.length > 1 ? { highlight: [best.i] } : {}),
    note:
      'Each philosopher is a worker thread; forks are Mutexes in one SharedArrayBuffer. Longest wait: hungry until eating (or until the table was stopped). ' +
      'Fairness: Jain’s index over meals per philosopher when the first one had eaten all of its meals (1 = equal shares, 1/N = one ate everything). ' +
      'A deadlock in naive is the lab working: the watchdog found the cycle, stopped the table and kept going.',
  });

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
        strategy: d.strategy,
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
      ctx.note(`Deadlock (${d.strategy}, ${cycle.length} philosophers): ${describeCycle(cycle, 6)}.`);
      ctx.output(`dining.${d.strategy}.deadlock`, describeCycle(cycle));
    }
  } else if (dinners.some((d) => d.strategy === 'naive')) {
    ctx.note('naive finished this time: a deadlock needs every philosopher to hold its left fork at once. Try --strategy naive --think 0 --eat 0.');
  }
  timeline(ctx, locked[0] ?? shown[0], cfg);
  return shown;
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

/** The checks, each over every strategy that ran. */
export function checkDining(ctx: LabContext<unknown>, shown: Shown[], cfg: DinnerConfig): void {
  const { n, meals } = cfg;
  const each = (f: (s: Shown) => string, list: Shown[] = shown): string => list.map((s) => `${s.dinner.strategy} ${f(s)}`).join('; ');
  ctx.check(
    'no two neighbours ever eat at once (event log replayed)',
    shown.every((s) => s.log.neighbourCount === 0 && s.dinner.overflow === 0 && s.log.events > 0),
    each((s) => (s.dinner.overflow ? `log overflowed by ${s.dinner.overflow}` : s.log.neighbourCount ? s.log.neighbourViolations.join(', ') : `${s.log.events} events, 0 overlaps`)),
  );
  ctx.check(
    'every meal eaten holding both forks, no fork ever in two hands',
    shown.every((s) => s.log.forkCount === 0),
    each((s) => (s.log.forkCount ? `${s.log.forkCount} violations: ${s.log.forkViolations.join(', ')}` : 'ok')),
  );
  ctx.check(
    'every meal is accounted for (eat-start/eat-end pairs = counted meals)',
    shown.every((s) => {
      const d = s.dinner;
      const counted = sum(d.meals);
      const pairs = sum(s.log.meals);
      const finished = d.replies.length === n && d.replies.every((r) => r.completed);
      return s.log.unpaired === 0 && pairs === counted && sum(d.replies.map((r) => r.meals)) === counted && (!finished || counted === n * meals);
    }),
    each((s) => `${sum(s.log.meals)} pairs / ${sum(s.dinner.meals)} counted${s.dinner.deadlock ? '' : ` of ${n} × ${meals}`}${s.log.unpaired ? `, ${s.log.unpaired} unpaired` : ''}`),
  );
  const free = shown.filter((s) => s.dinner.strategy !== 'naive');
  if (free.length) {
    ctx.check(
      'the deadlock-free strategies finish',
      free.every((s) => !s.dinner.deadlock && !s.dinner.unfinished && s.dinner.replies.every((r) => r.completed) && sum(s.dinner.meals) === n * meals),
      each((s) => (s.dinner.deadlock ? 'DEADLOCKED' : (s.dinner.unfinished ?? `${sum(s.dinner.meals)}/${n * meals} in ${ms(s.dinner.wallMs)}`)), free),
    );
  }
  for (const s of shown.filter((x) => x.dinner.strategy === 'naive')) {
    const d = s.dinner;
    const finished = d.replies.length === n && d.replies.every((r) => r.completed);
    ctx.check('naive either finishes or its deadlock is detected and shown', finished || Boolean(d.deadlock), finished ? 'finished: no deadlock this time' : d.deadlock ? `deadlock of ${d.deadlock.cycle.length} detected at ${ms(d.deadlock.detectedMs)}` : (d.unfinished ?? 'neither'));
  }
  for (const s of shown.filter((x) => x.dinner.deadlock)) {
    const d = s.dinner;
    const dl = d.deadlock;
    if (!dl) continue;
    // The log as it stood at the verdict must tell the same story as the snapshot.
    const then = replayPrefix(d.entries, n, dl.cursor);
    const real = dl.cycle.every((e) => then.states[e.phil] === 'hungry' && e.holds.every((f) => then.holders[f] === e.phil) && then.holders[e.waitsFor] === e.heldBy);
    ctx.check(`the ${d.strategy} deadlock is confirmed by the event log`, real && dl.cycle.length >= 2, `at the verdict the log shows ${dl.cycle.length} hungry philosophers, each holding one fork its neighbour waits for`);
    const allDown = s.log.holders.every((h) => h === -1);
    ctx.check(
      `the ${d.strategy} deadlock ended cleanly (stop flag, no terminate)`,
      d.terminated === 0 && allDown && d.replies.length === n,
      `${d.replies.length} of ${n} philosophers left in ${ms(d.stopMs ?? 0)}, ${d.terminated} terminated, ${allDown ? 'all forks put down' : 'forks still held: ' + s.log.holders.join(',')}`,
    );
  }
  for (const s of shown.filter((x) => x.dinner.strategy === 'waiter')) {
    ctx.check(`the waiter never seats more than N-1 = ${n - 1}`, s.dinner.maxSeated <= n - 1 && s.dinner.maxSeated >= 1, `at most ${s.dinner.maxSeated} seated at once (BoundedSemaphore(${n - 1}))`);
  }
}
