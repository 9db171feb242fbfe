/** The race's table, metrics, checks and outputs. */
import type { LabContext } from '../../src/core/lab.js';
import { ciMedian, max, median, min, ratioOfMedians } from '../../src/measure/stats.js';
import type { RaceMethod } from './messages.js';
import type { Race } from './race.js';

const LABEL: Record<RaceMethod, string> = {
  plain: 'c[0]++ (plain)',
  'load-store': 'Atomics.store(c, 0, Atomics.load(c, 0) + 1)',
  atomic: 'Atomics.add(c, 0, 1)',
  mutex: 'mutex.lock(); c[0]++; unlock()',
};

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
      spread: median(r.spread),
    };
  });
  ctx.table({
    title: `The race: ${race.workers} threads × ${race.increments.toLocaleString('en-US')} increments of one shared Int32 (expected ${expected.toLocaleString('en-US')})`,
    columns: [
      { key: 'method', label: 'increment' },
      { key: 'count', label: 'final count' },
      { key: 'lost', label: 'lost updates' },
      { key: 'lostPct', label: 'lost', unit: '%' },
      { key: 'time', label: 'time', unit: 'ms' },
      { key: 'ns', label: 'per increment', unit: 'ns' },
      { key: 'vs', label: 'time vs Atomics.add', unit: 'x' },
      { key: 'spread', label: 'start spread', unit: 'ms' },
    ],
    rows,
    note:
      `Medians of ${race.results[0]?.wall.length ?? 0} runs (range: min–max lost; 95% CI of the median time). ` +
      'Racers meet at a Barrier, then start at a common instant; start spread: how far apart they really started (a thread not on a core starts late). Loops that never overlap lose nothing. ' +
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
      `${r.counts.length} runs, each counted ${bad.length ? `${bad.join(', ')} (wrong)` : expected.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')}`,
    );
    ctx.output(`race.${method}.count`, r.counts[0]);
  }
  let lostPct = 0;
  for (const method of ['plain', 'load-store'] as const) {
    const r = race.results.find((x) => x.method === method);
    if (!r) continue;
    const lost = r.counts.map((c) => expected - c);
    if (method === 'load-store') lostPct = (100 * median(lost)) / expected;
    const name = `${method === 'plain' ? 'plain c[0]++' : 'load-then-store'} loses updates when racers overlap (shown, not promised)`;
    if (lost.some((l) => l < 0)) ctx.check(name, false, `a count above ${expected} is impossible: ${r.counts.join(', ')}`);
    else if (lost.some((l) => l > 0)) {
      ctx.check(name, true, `lost ${min(lost).toLocaleString('en-US')}–${max(lost).toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} in ${lost.length} runs (a race: it varies run to run)`);
    } else {
      ctx.skip(
        name,
        `no update was lost in ${lost.length} runs: each racer looped ${median(r.loop).toFixed(2)} ms and they started ${median(r.spread).toFixed(2)} ms apart (median), too little overlap (one core, or a busy machine); try more --increments`,
      );
    }
  }
  const spread = race.results.flatMap((r) => r.spread);
  ctx.check(
    `the barrier released all ${race.workers} racers in every run`,
    race.generations === race.runs % 2 ** 19,
    `${race.generations} barrier generations for ${race.runs} runs (start spread median ${median(spread).toFixed(2)} ms)`,
  );
  ctx.output('race.expected', expected);
  return { lostPct };
}
