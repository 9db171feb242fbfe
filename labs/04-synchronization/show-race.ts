/** The race's table, metrics, checks, note and outputs. */
import type { LabContext } from '../../src/core/lab.js';
import { ciMedian, max, median, min, ratioOfMedians } from '../../src/measure/stats.js';
import { fmtNum } from '../../src/render/format.js';
import type { RaceMethod } from './messages.js';
import type { Race, RaceResult } from './race.js';
import { CHUNK } from './racer.js';

const LABEL: Record<RaceMethod, string> = {
  plain: 'c[0]++ (plain)',
  'load-store': 'Atomics.store(c, 0, Atomics.load(c, 0) + 1)',
  atomic: 'Atomics.add(c, 0, 1)',
  mutex: 'mutex.lock(); c[0]++; unlock()',
};

/** Racers ran at once when their running chunks overlapped this long in a run (overlap.ts). */
export const AT_ONCE_MS = 1;
/**
 * Turns taken mid-loop (summed over the runs) that load-then-store must have
 * had before it is held to losing an update. A turn loses updates only when
 * it falls between a load and its store: here, of 61 runs of 100,000 and
 * 200,000 increments with 1 to 3 turns, 25 lost nothing, about 0.55 per turn
 * (and a loss is often a whole loop: the other racer ran all of it in one
 * time slice). 12 turns that all miss: about 0.55^12, under one in a
 * thousand. Running at once loses updates by the thousand.
 */
export const MIN_TURNS = 12;
/** Fewer chunks than this per racer say nothing about how the loops interleaved: one chunk is one interval. */
export const MIN_CHUNKS = 8;

const fmt = (v: number): string => v.toLocaleString('en-US');
const pct = (v: number, of: number): string => `${((100 * v) / of).toFixed(0)}%`;
const raced = (r: RaceResult, i: number): boolean => (r.interleaved[i]?.atOnceMs ?? 0) >= AT_ONCE_MS || (r.interleaved[i]?.turns ?? 0) > 0;

export function showRace(ctx: LabContext<unknown>, race: Race): { lostPct: number } {
  const { expected } = race;
  const atomic = race.results.find((r) => r.method === 'atomic');
  const rows = race.results.map((r) => {
    const lost = r.counts.map((c) => expected - c);
    const ci = ciMedian(r.wall);
    const vs = atomic ? ratioOfMedians(r.wall, atomic.wall) : undefined;
    ctx.metric({ name: 'race.time', unit: 'ms', better: 'lower', variant: { method: r.method, workers: race.workers, increments: race.increments }, samples: r.wall });
    ctx.metric({ name: 'race.lost', unit: 'updates', better: 'lower', variant: { method: r.method, workers: race.workers, increments: race.increments }, samples: lost });
    const chunked = r.interleaved.length > 0 && r.method !== 'plain';
    return {
      method: LABEL[r.method],
      count: median(r.counts),
      lost: { value: median(lost), low: min(lost), high: max(lost) },
      lostPct: (100 * median(lost)) / expected,
      time: { value: median(r.wall), low: ci.low, high: ci.high },
      ns: (median(r.wall) * 1e6) / expected,
      vs: vs ? { value: vs.ratio, low: vs.low, high: vs.high } : null,
      atOnce: chunked ? median(r.interleaved.map((x) => x.atOnceMs)) : null,
      turns: chunked ? median(r.interleaved.map((x) => x.turns)) : null,
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
      { key: 'atOnce', label: 'ran at once', unit: 'ms' },
      { key: 'turns', label: 'turns taken' },
    ],
    rows,
    note:
      `Medians of ${race.results[0]?.wall.length ?? 0} runs (range: min–max lost; 95% CI of the median time). ` +
      `Racers meet at a Barrier, then start at a common instant, and note the time after every ${fmt(CHUNK)} increments. ` +
      'A chunk that took no longer than usual ran; a longer one also waited for a core. Ran at once: how long two racers ran chunks at the same time (two cores at work); ' +
      'turns taken: chunks in which a racer waited while another ran (one core, shared). Either way they race; loops that run one after another do not. ' +
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
    checkRacy(ctx, ls, race);
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

const chunksPerRacer = (race: Race): number => Math.ceil(race.increments / CHUNK);
const chunks = (race: Race): string => `${chunksPerRacer(race)} chunk${chunksPerRacer(race) === 1 ? '' : 's'}`;

/**
 * Load-then-store must lose updates whenever the racers really raced: ran
 * at once, or took enough turns mid-loop (MIN_TURNS). Both are read from the
 * racers' own progress (overlap.ts), and the check skips when they show too
 * little. That skip is honest for what this check guards: an increment that
 * does not race (made atomic) or a count read wrong changes the counts, not
 * how the loops interleaved, so such a fault fails here instead of
 * skipping. Racers that take turns inside their loops interleave and lose
 * nothing: they fail here too. Racers that take turns before their loops
 * would turn this into a skip; "racers ran together" catches them.
 */
function checkRacy(ctx: LabContext<unknown>, r: RaceResult, race: Race): void {
  const { expected } = race;
  const name = 'load-then-store loses updates';
  const lost = r.counts.map((c) => expected - c);
  if (lost.some((l) => l < 0)) {
    ctx.check(name, false, `counted ${fmt(Math.max(...r.counts))} > ${fmt(expected)}: impossible`);
    return;
  }
  if (chunksPerRacer(race) < MIN_CHUNKS) {
    ctx.skip(name, `only ${chunks(race)}: more --increments`);
    return;
  }
  const idx = lost.map((_, i) => i).filter((i) => raced(r, i));
  const turns = idx.reduce((a, i) => a + (r.interleaved[i]?.turns ?? 0), 0);
  const atOnce = max(r.interleaved.map((x) => x.atOnceMs));
  if (!(atOnce >= AT_ONCE_MS || turns >= MIN_TURNS)) {
    ctx.skip(name, `barely met: ${turns} turns, ${fmtNum(atOnce)} ms at once`);
    return;
  }
  const losing = idx.map((i) => lost[i] as number).filter((l) => l > 0);
  ctx.check(
    name,
    losing.length > 0,
    losing.length
      ? `lost ${pct(min(losing), expected)}–${pct(max(losing), expected)} in ${losing.length} of ${idx.length} runs that raced`
      : `0 lost in ${idx.length} runs: ${turns} turns, ${fmtNum(atOnce)} ms at once`,
  );
}

/**
 * Guards the skip of checkRacy: racers that take turns before they start
 * their loops never interleave, and load-then-store would skip instead of
 * failing. Racers released together always interleave their loops of
 * Atomics.add and the mutex (many chunks each): they run at once on two
 * cores, or the OS hands a shared core back and forth mid-loop. Skipped only
 * when the loops are too few chunks to tell, which --increments decides,
 * not a bug.
 */
function checkTogether(ctx: LabContext<unknown>, race: Race): void {
  const name = 'racers ran together (Atomics.add, mutex)';
  if (chunksPerRacer(race) < MIN_CHUNKS) {
    ctx.skip(name, `only ${chunks(race)}: more --increments`);
    return;
  }
  const long = race.results.filter((r) => r.method === 'atomic' || r.method === 'mutex');
  const apart = long.filter((r) => !r.counts.some((_, i) => raced(r, i)));
  // Most turns and most time at once of any run, for each (Atomics.add + mutex).
  const turns = long.map((r) => max(r.interleaved.map((x) => x.turns))).join(' + ');
  const atOnce = long.map((r) => max(r.interleaved.map((x) => x.atOnceMs)).toFixed(0)).join(' + ');
  ctx.check(name, apart.length === 0, apart.length ? `${apart.map((r) => r.method).join(', ')}: one after another` : `${turns} turns, ${atOnce} ms at once`);
}

/**
 * Plain c[0]++ is shown, not checked. It runs as one loop (chunks would
 * change what the JIT makes of c[0]), which takes a few milliseconds at
 * most, often less than the racers' start spread, and where loops do
 * overlap, how much is lost depends on what the JIT made of c[0] (loops that
 * overlapped 14 ms lost nothing here in one run, two racers' whole loops in
 * another).
 */
function noteRacy(ctx: LabContext<unknown>, r: RaceResult, expected: number): void {
  const lost = r.counts.map((c) => expected - c);
  const overlapped = r.together.filter((t) => t >= AT_ONCE_MS).length;
  const losing = lost.filter((l) => l > 0).length;
  ctx.note(
    `plain c[0]++ (shown, not checked): loops of ${fmtNum(median(r.loop))} ms overlapped in ${overlapped} of ${r.counts.length} runs, ` +
      `${losing ? `${losing} lost updates (${lost.filter((l) => l > 0).map(fmt).join(', ')})` : 'none lost an update'}. ` +
      'Whether such short loops meet at all is luck, and what a race costs them is up to the JIT.',
  );
}
