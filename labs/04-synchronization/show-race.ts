/** The race's table, metrics, checks, note and outputs. */
import type { LabContext } from '../../src/core/lab.js';
import { ciMedian, max, median, min, ratioOfMedians } from '../../src/measure/stats.js';
import type { RaceMethod } from './messages.js';
import type { Race, RaceResult } from './race.js';

const LABEL: Record<RaceMethod, string> = {
  plain: 'c[0]++ (plain)',
  'load-store': 'Atomics.store(c, 0, Atomics.load(c, 0) + 1)',
  atomic: 'Atomics.add(c, 0, 1)',
  mutex: 'mutex.lock(); c[0]++; unlock()',
};

/**
 * Racers "overlapped" in a run when at least two were inside their loops at
 * once for this long (overlap.ts, from each racer's own start and end times).
 */
export const MIN_TOGETHER_MS = 1;

const fmt = (v: number): string => v.toLocaleString('en-US');
const pct = (v: number, of: number): string => `${((100 * v) / of).toFixed(0)}%`;

export function showRace(ctx: LabContext<unknown>, race: Race): { lostPct: number } {
  const { expected } = race;
  const atomic = race.results.find((r) => r.method === 'atomic');
  const rows = race.results.map((r) => {
    const lost = r.counts.map((c) => expected - c);
    const ci = ciMedian(r.wall);
    const vs = atomic ? ratioOfMedians(r.wall, atomic.wall) : undefined;
    ctx.metric({ name: 'race.time', unit: 'ms', better: 'lower', variant: { method: r.method, workers: race.workers, increments: race.increments }, samples: r.wall });
    ctx.metric({ name: 'race.lost', unit: 'updates', better: 'lower', variant: { method: r.method, workers: race.workers, increments: race.increments }, samples: lost });
    return {
      method: LABEL[r.method],
      count: median(r.counts),
      lost: { value: median(lost), low: min(lost), high: max(lost) },
      lostPct: (100 * median(lost)) / expected,
      time: { value: median(r.wall), low: ci.low, high: ci.high },
      ns: (median(r.wall) * 1e6) / expected,
      vs: vs ? { value: vs.ratio, low: vs.low, high: vs.high } : null,
      together: median(r.together),
    };
  });
  ctx.table({
    title: `The race: ${race.workers} threads × ${fmt(race.increments)} increments of one Int32 (expected ${fmt(expected)})`,
    columns: [
      { key: 'method', label: 'increment' },
      { key: 'count', label: 'final count' },
      { key: 'lost', label: 'lost updates' },
      { key: 'lostPct', label: 'lost', unit: '%' },
      { key: 'time', label: 'time', unit: 'ms' },
      { key: 'ns', label: 'per increment', unit: 'ns' },
      { key: 'vs', label: 'time vs Atomics.add', unit: 'x' },
      { key: 'together', label: 'loops overlapped', unit: 'ms' },
    ],
    rows,
    note:
      `Medians of ${race.results[0]?.wall.length ?? 0} runs (range: min–max lost; 95% CI of the median time). ` +
      'Racers meet at a Barrier, then start at a common instant. Loops overlapped: how long at least two racers were inside their loops at once, from their own start and end times; loops that never overlap lose nothing. ' +
      'Load-then-store is the classic race: two threads load the same value, both store value+1, one update is lost. ' +
      'Plain c[0]++ races the same way, and worse: the JIT may keep c[0] in a register for the whole loop, so a racer can erase whole loops of the others (losses in multiples of the increments). ' +
      'Atomics.add makes the read-modify-write one indivisible step; the mutex makes it a critical section, and pays for it.',
  });

  for (const method of ['atomic', 'mutex'] as const) {
    const r = race.results.find((x) => x.method === method);
    if (!r) continue;
    const bad = r.counts.filter((c) => c !== expected);
    ctx.check(
      `${method === 'atomic' ? 'Atomics.add' : 'the mutex'} loses no update`,
      r.counts.length > 0 && bad.length === 0,
      bad.length ? `counted ${bad.map(fmt).join(', ')} of ${fmt(expected)}` : `${r.counts.length} runs, each ${fmt(expected)}`,
    );
    ctx.output(`race.${method}.count`, r.counts[0]);
  }

  let lostPct = 0;
  const ls = race.results.find((x) => x.method === 'load-store');
  if (ls) {
    lostPct = (100 * median(ls.counts.map((c) => expected - c))) / expected;
    checkRacy(ctx, ls, expected);
  }
  const plain = race.results.find((x) => x.method === 'plain');
  if (plain) noteRacy(ctx, plain, expected);

  ctx.check(
    `the barrier released all ${race.workers} racers in every run`,
    race.generations === race.runs % 2 ** 19,
    `${race.generations} generations for ${race.runs} runs`,
  );
  checkTogether(ctx, race);
  ctx.output('race.expected', expected);
  return { lostPct };
}

/**
 * Load-then-store must lose updates whenever racers really raced. The check
 * counts only runs whose loops overlapped (MIN_TOGETHER_MS), and skips when
 * none did. That skip is honest for what this check guards: an increment
 * that does not race (made atomic) or a count read wrong changes the counts,
 * not when each racer started and stopped its loop, so such a fault fails
 * here instead of skipping. Racers that take turns inside their loops
 * overlap and lose nothing: they fail here too. Racers that take turns
 * before their loops would turn this into a skip; "racers ran together"
 * (checkTogether) catches them.
 */
function checkRacy(ctx: LabContext<unknown>, r: RaceResult, expected: number): void {
  const name = 'load-then-store loses updates';
  const lost = r.counts.map((c) => expected - c);
  if (lost.some((l) => l < 0)) {
    ctx.check(name, false, `counted ${Math.max(...r.counts)} > ${fmt(expected)}: impossible`);
    return;
  }
  const raced = lost.filter((_, i) => (r.together[i] ?? 0) >= MIN_TOGETHER_MS);
  if (raced.length === 0) {
    const most = max(r.together).toFixed(1);
    ctx.skip(name, median(r.loop) < MIN_LOOP_MS ? `overlap ≤ ${most} ms: more --increments` : `loops overlapped ${most} ms at most`);
    return;
  }
  const losing = raced.filter((l) => l > 0);
  ctx.check(
    name,
    losing.length > 0,
    losing.length
      ? `lost ${pct(min(losing), expected)}–${pct(max(losing), expected)} in ${losing.length} of ${raced.length} overlapping runs`
      : `0 lost in ${raced.length} runs that overlapped ${max(r.together).toFixed(0)} ms`,
  );
}

/** Loops at least this long (median, per racer) must overlap unless the racers took turns. */
export const MIN_LOOP_MS = 5;

/**
 * Guards the skip of checkRacy: racers that take turns before they start
 * their loops never overlap, and load-then-store would skip instead of
 * failing. Atomics.add and the mutex loop for tens of milliseconds at the
 * default --increments, far longer than racers released together start
 * apart, so their loops overlap unless the racers ran one after another.
 * Skipped only when the loops are too short to overlap: a loop's own length
 * (t1 - t0 of each racer) does not change when racers take turns before it.
 */
function checkTogether(ctx: LabContext<unknown>, race: Race): void {
  const name = 'racers ran together (Atomics.add, mutex)';
  const long = race.results.filter((r) => (r.method === 'atomic' || r.method === 'mutex') && median(r.loop) >= MIN_LOOP_MS);
  if (long.length === 0) {
    const loop = race.results.find((r) => r.method === 'atomic');
    ctx.skip(name, `loops too short (${loop ? median(loop.loop).toFixed(1) : '?'} ms)`);
    return;
  }
  const apart = long.filter((r) => !r.together.some((t) => t >= MIN_TOGETHER_MS));
  ctx.check(
    name,
    apart.length === 0,
    apart.length
      ? `${apart.map((r) => r.method).join(', ')}: loops of ${median(apart[0]?.loop ?? []).toFixed(0)} ms never overlapped`
      : `overlapped ${long.map((r) => median(r.together).toFixed(0)).join(' and ')} ms`,
  );
}

/**
 * Plain c[0]++ is shown, not checked: its loop takes a few milliseconds at
 * most, often less than the racers' start spread, and where loops do overlap, how
 * much is lost depends on what the JIT made of c[0] (loops that overlapped
 * 14 ms lost nothing here in one run, two racers' whole loops in another).
 */
function noteRacy(ctx: LabContext<unknown>, r: RaceResult, expected: number): void {
  const lost = r.counts.map((c) => expected - c);
  const overlapped = r.together.filter((t) => t >= MIN_TOGETHER_MS).length;
  const losing = lost.filter((l) => l > 0).length;
  ctx.note(
    `plain c[0]++ (shown, not checked): loops of ${median(r.loop).toFixed(1)} ms overlapped in ${overlapped} of ${r.counts.length} runs, ` +
      `${losing ? `${losing} lost updates (${lost.filter((l) => l > 0).map(fmt).join(', ')})` : 'none lost an update'}. ` +
      'Whether such short loops meet at all is luck, and what a race costs them is up to the JIT.',
  );
}
