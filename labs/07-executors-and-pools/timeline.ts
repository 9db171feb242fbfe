/**
 * One asCompleted run drawn as a timeline: a lane per worker, each task a
 * segment from its start to its end (as the task measured it), and the order
 * in which the caller got the results, which must be the order they finished.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { TimelineChart } from '../../src/core/report.js';
import { task, type ExecutorKind, type TaskRun } from '../../src/executors/index.js';
import { PRIMES_URL, WARM_PRIME } from '../../src/workloads/primes.js';
import { heldBack } from './analysis.js';
import { LABEL, warm, type MakeExecutor } from './executors.js';

export interface TimelineOptions {
  numbers: readonly number[];
  size: number;
  make: MakeExecutor;
  kind?: ExecutorKind;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

export function timelineOf(runs: readonly TaskRun[], numbers: readonly number[], t0: number, title: string): TimelineChart {
  const lanes = new Map<string, TimelineChart['lanes'][number]>();
  for (const r of [...runs].sort((a, b) => a.start - b.start)) {
    const name = r.worker ?? 'never ran';
    const lane = lanes.get(name) ?? { name, segments: [] };
    lanes.set(name, lane);
    if (Number.isFinite(r.start)) lane.segments.push({ start: r1(r.start - t0), end: r1(r.end - t0), state: r.value === true ? 'prime' : 'not prime' });
  }
  return {
    type: 'timeline',
    title,
    unit: 'ms',
    start: 0,
    end: r1(Math.max(...runs.map((r) => r.settled - t0))),
    states: { prime: '█', 'not prime': '▒' },
    lanes: [...lanes.values()],
    events: runs.filter((r) => Number.isFinite(r.start)).map((r) => ({ lane: r.worker ?? '', at: r1(r.start - t0), label: `#${r.index} (${numbers[r.index]})` })),
  };
}

export async function timeline(ctx: LabContext<unknown>, o: TimelineOptions): Promise<void> {
  const kind = o.kind ?? 'threads';
  ctx.progress(`timeline: asCompleted on the ${LABEL[kind]}`);
  const ex = await o.make(kind, o.size);
  const yielded: TaskRun[] = [];
  let t0 = 0;
  try {
    await warm(ex, task(PRIMES_URL, 'isPrime', WARM_PRIME));
    t0 = performance.timeOrigin + performance.now();
    for await (const r of ex.asCompleted(o.numbers.map((n) => task(PRIMES_URL, 'isPrime', n)))) yielded.push(r);
  } finally {
    await ex.shutdown();
  }
  ctx.chart(timelineOf(yielded, o.numbers, t0, `asCompleted on the ${LABEL[kind]}: a lane per worker, | = a task starts`));
  ctx.table({
    title: 'asCompleted: results in the order they came',
    columns: [
      { key: 'task', label: 'task' },
      { key: 'number', label: 'number', align: 'right' },
      { key: 'prime', label: 'prime' },
      { key: 'worker', label: 'worker', align: 'left' },
      { key: 'start', label: 'start', unit: 'ms' },
      { key: 'end', label: 'end', unit: 'ms' },
      { key: 'got', label: 'came', unit: 'ms' },
    ],
    rows: yielded.map((r) => ({
      task: r.index,
      number: String(o.numbers[r.index]),
      prime: r.status === 'fulfilled' ? (r.value as boolean) : null,
      worker: r.worker,
      start: r1(r.start - t0),
      end: r1(r.end - t0),
      got: r1(r.settled - t0),
    })),
    note: 'in the order they were yielded. start and end: as the task measured them; came: when the executor had the result.',
  });
  const held = heldBack(yielded);
  const failed = yielded.filter((r) => r.status === 'rejected').length;
  const moved = yielded.filter((r, i) => r.index !== i).length;
  ctx.check(
    'asCompleted yields results as they come',
    held.count === 0 && failed === 0 && yielded.length === o.numbers.length,
    held.count ? `${held.worst}, yielded after` : `${moved} of ${yielded.length} out of input order`,
  );
}
