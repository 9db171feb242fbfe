/**
 * A pipeline on the sensor stream, in virtual time (TestScheduler): map and
 * filter, a moving average with scan, windows by count and by time, and
 * throttleTime against debounceTime against sampleTime on the same bursty
 * input. Each returns its recordings for the marble diagrams.
 */
import type { Observable } from 'rxjs';
import type { LabContext } from '../../src/core/lab.js';
import type { DiagramGroup } from './diagrams.js';
import { burstFrames, celsius, sensorReadings } from './readings.js';
import { loadTesting, record, valuesOf, type Recorded } from './virtual.js';

export interface PipelineOptions {
  /** Raw readings in the stream (a reading every 4 virtual ms). */
  readings: number;
  /** Moving-average and bufferCount window. */
  window: number;
}

const PERIOD = 4;
const round2 = (x: number): number => Math.round(x * 100) / 100;

export async function pipeline(ctx: LabContext<unknown>, o: PipelineOptions): Promise<DiagramGroup[]> {
  const rx = await import('rxjs');
  const { fresh } = await loadTesting();
  const scheduler = fresh();
  const rng = ctx.rng;
  // One sensor; a glitch (flagged bad) at a seeded place, so filter has something to drop.
  const raw = sensorReadings(rng.derive('pipeline'), o.readings, 1, 0);
  const glitchAt = rng.int(1, Math.max(1, o.readings - 2));
  const values = raw.map((r, i) => (i === glitchAt ? null : celsius(r.centi)));

  let rec: Record<'sensor' | 'valid' | 'avg' | 'count' | 'time', Recorded[]> | undefined;
  scheduler.run(() => {
    // null stands for a glitch: the sensor said this reading is bad.
    const sensor$: Observable<number | null> = rx.interval(PERIOD, scheduler).pipe(
      rx.take(values.length),
      rx.map((i) => values[i] ?? null),
    );
    const valid$ = sensor$.pipe(
      rx.filter((v): v is number => v !== null),
      rx.map((c) => round2(c)),
    );
    const avg$ = valid$.pipe(
      rx.scan((win: number[], v) => [...win, v].slice(-o.window), []),
      rx.map((win) => round2(win.reduce((a, b) => a + b, 0) / win.length)),
    );
    rec = {
      sensor: record(scheduler, sensor$),
      valid: record(scheduler, valid$),
      avg: record(scheduler, avg$),
      count: record(scheduler, valid$.pipe(rx.bufferCount(o.window))),
      time: record(scheduler, valid$.pipe(rx.bufferTime(10, scheduler))),
    };
  });
  const r = rec as NonNullable<typeof rec>;
  ctx.table({
    title: `A pipeline on ${o.readings} readings (virtual time, one every ${PERIOD} ms)`,
    columns: [
      { key: 'stage', label: 'stage' },
      { key: 'out', label: 'out' },
      { key: 'last', label: 'last value' },
    ],
    rows: [
      { stage: 'sensor', out: valuesOf(r.sensor).length, last: String(valuesOf(r.sensor).at(-1)) },
      { stage: 'filter(ok), map(°C)', out: valuesOf(r.valid).length, last: String(valuesOf(r.valid).at(-1)) },
      { stage: `scan: mean of last ${o.window}`, out: valuesOf(r.avg).length, last: String(valuesOf(r.avg).at(-1)) },
      { stage: `bufferCount(${o.window})`, out: valuesOf(r.count).length, last: JSON.stringify(valuesOf(r.count).at(-1)) },
      { stage: 'bufferTime(10)', out: valuesOf(r.time).length, last: JSON.stringify(valuesOf(r.time).at(-1)) },
    ],
    note: 'null: a reading the sensor flagged as a glitch. bufferCount emits its last, partial window when the source completes; bufferTime emits every 10 ms, empty or not.',
  });
  ctx.output('pipeline', {
    valid: valuesOf(r.valid),
    movingAverage: valuesOf(r.avg),
    bufferCount: valuesOf(r.count),
    bufferTime: valuesOf(r.time),
  });

  const rate = rateLimiting(ctx, rx, fresh());
  const show = (v: unknown): string => (v === null ? 'glitch' : Array.isArray(v) ? `[${v.join(' ')}]` : String(v));
  return [
    {
      title: 'Marble diagrams: map, filter, scan',
      rows: [
        { name: 'sensor', messages: r.sensor },
        { name: 'filter, map', messages: r.valid },
        { name: `scan: mean/${o.window}`, messages: r.avg },
      ],
      show,
    },
    {
      title: 'Marble diagrams: windows',
      rows: [
        { name: 'valid', messages: r.valid },
        { name: `bufferCount(${o.window})`, messages: r.count },
        { name: 'bufferTime(10)', messages: r.time },
      ],
      show,
    },
    rate,
  ];
}

/** throttleTime, debounceTime and sampleTime on the same bursty input: each event is its own letter. */
function rateLimiting(ctx: LabContext<unknown>, rx: typeof import('rxjs'), scheduler: import('rxjs/testing').TestScheduler): DiagramGroup {
  const frames = burstFrames(ctx.rng.derive('bursts'), 4);
  const names = frames.map((_, i) => String.fromCharCode(97 + i));
  const ops = [
    { name: 'throttleTime(5)', op: rx.throttleTime<string>(5, scheduler) },
    { name: 'debounceTime(3)', op: rx.debounceTime<string>(3, scheduler) },
    { name: 'sampleTime(6)', op: rx.sampleTime<string>(6, scheduler) },
  ];
  let input: Recorded[] = [];
  const outs: Recorded[][] = [];
  scheduler.run(() => {
    const events$ = rx.merge(...frames.map((f, i) => rx.timer(f, scheduler).pipe(rx.map(() => names[i] as string))));
    // The source stays open a while after its last burst, then completes.
    const bursty$ = rx.concat(events$, rx.timer(8, scheduler).pipe(rx.ignoreElements()));
    input = record(scheduler, bursty$);
    for (const { op } of ops) outs.push(record(scheduler, bursty$.pipe(op)));
  });
  ctx.table({
    title: 'Rate limiting the same bursty input (virtual time)',
    columns: [
      { key: 'op', label: 'operator' },
      { key: 'in', label: 'in' },
      { key: 'out', label: 'out' },
      { key: 'kept', label: 'kept' },
      { key: 'rule', label: 'keeps' },
    ],
    rows: ops.map(({ name }, i) => ({
      op: name,
      in: frames.length,
      out: valuesOf(outs[i] ?? []).length,
      kept: valuesOf(outs[i] ?? []).join(' '),
      rule: ['the first, then shuts 5 ms', 'the last, once 3 ms pass quiet', 'the newest, every 6 ms'][i] ?? '',
    })),
  });
  ctx.output(
    'rateLimiting',
    Object.fromEntries(ops.map(({ name }, i) => [name, valuesOf(outs[i] ?? [])])),
  );
  return {
    title: 'Marble diagrams: throttle, debounce, sample',
    rows: [{ name: 'bursty input', messages: input }, ...ops.map(({ name }, i) => ({ name, messages: outs[i] ?? [] }))],
    note: 'each event is its own letter; the source completes 8 ms after its last burst',
  };
}
