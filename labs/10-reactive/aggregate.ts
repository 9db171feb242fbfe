/**
 * One aggregate over the sensor readings, computed three ways: rxjs
 * operators, an EventEmitter pipeline and async iterators. The same steps
 * each time: drop the glitches, convert to tenths of a degree Fahrenheit,
 * per-sensor count / sum / min / max, and windows of W valid values
 * (bufferCount: the last, partial window counts) with the largest window
 * mean. Integer arithmetic, so the three must agree exactly.
 */
import { EventEmitter } from 'node:events';
import type { Reading } from './readings.js';

type Rx = typeof import('rxjs');

export interface SensorStats {
  sensor: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface Aggregate {
  /** Valid readings. */
  count: number;
  /** Glitches dropped. */
  rejected: number;
  sensors: SensorStats[];
  /** Windows of W valid values, the last one possibly partial. */
  windows: number;
  lastWindowSize: number;
  /** The largest floor(window sum / window size). */
  maxWindowMean: number | null;
}

export interface Value {
  sensor: number;
  /** Tenths of a degree Fahrenheit. */
  f: number;
}

/** Hundredths of a degree C to tenths of a degree F, in integers. */
export const toDeciF = (centi: number): number => Math.round((centi * 9) / 50) + 320;

const addTo = (s: SensorStats | undefined, v: Value): SensorStats =>
  s ? { sensor: s.sensor, count: s.count + 1, sum: s.sum + v.f, min: Math.min(s.min, v.f), max: Math.max(s.max, v.f) } : { sensor: v.sensor, count: 1, sum: v.f, min: v.f, max: v.f };

const windowMean = (w: readonly number[]): number => Math.floor(w.reduce((a, b) => a + b, 0) / w.length);

function finish(count: number, rejected: number, stats: Map<number, SensorStats>, windows: number[][]): Aggregate {
  return {
    count,
    rejected,
    sensors: [...stats.values()].sort((a, b) => a.sensor - b.sensor),
    windows: windows.length,
    lastWindowSize: windows.at(-1)?.length ?? 0,
    maxWindowMean: windows.length ? Math.max(...windows.map(windowMean)) : null,
  };
}

export type AggregateImpl = (readings: readonly Reading[], window: number) => Promise<Aggregate>;

/** rxjs: one multicast of the valid values feeds a groupBy branch and a bufferCount branch. */
export function rxjsAggregate(rx: Rx): AggregateImpl {
  const { from, filter, map, tap, connect, forkJoin, groupBy, mergeMap, reduce, toArray, bufferCount, count, lastValueFrom } = rx;
  return async (readings, window) => {
    let rejected = 0;
    const valid$ = from(readings).pipe(
      tap((r) => {
        if (!r.ok) rejected++;
      }),
      filter((r) => r.ok),
      map((r): Value => ({ sensor: r.sensor, f: toDeciF(r.centi) })),
    );
    const [perSensor, windows, n] = await lastValueFrom(
      valid$.pipe(
        connect((v$) =>
          forkJoin([
            v$.pipe(
              groupBy((v) => v.sensor),
              mergeMap((g) => g.pipe(reduce<Value, SensorStats | undefined>((s, v) => addTo(s, v), undefined))),
              toArray(),
            ),
            v$.pipe(
              map((v) => v.f),
              bufferCount(window),
              toArray(),
            ),
            v$.pipe(count()),
          ]),
        ),
      ),
    );
    const stats = new Map<number, SensorStats>();
    for (const s of perSensor) if (s) stats.set(s.sensor, s);
    return finish(n, rejected, stats, windows);
  };
}

/** EventEmitter: a stage per emitter, each listening to the one before; 'end' flushes the partial window. */
export const emitterAggregate: AggregateImpl = async (readings, window) => {
  const source = new EventEmitter();
  const values = new EventEmitter();
  const windowsOut = new EventEmitter();
  let rejected = 0;
  let n = 0;
  const stats = new Map<number, SensorStats>();
  const windows: number[][] = [];
  let current: number[] = [];

  source.on('reading', (r: Reading) => {
    if (!r.ok) rejected++;
    else values.emit('value', { sensor: r.sensor, f: toDeciF(r.centi) } satisfies Value);
  });
  source.on('end', () => values.emit('end'));
  values.on('value', (v: Value) => {
    n++;
    stats.set(v.sensor, addTo(stats.get(v.sensor), v));
  });
  values.on('value', (v: Value) => {
    current.push(v.f);
    if (current.length === window) {
      windowsOut.emit('window', current);
      current = [];
    }
  });
  values.on('end', () => {
    if (current.length) windowsOut.emit('window', current);
    current = [];
  });
  windowsOut.on('window', (w: number[]) => windows.push(w));

  for (const r of readings) source.emit('reading', r);
  source.emit('end');
  return finish(n, rejected, stats, windows);
};

async function* fromArray<T>(xs: readonly T[]): AsyncGenerator<T> {
  for (const x of xs) yield x;
}

/** Async iterators: a chain of async generators, pulled by one for await. */
export const iteratorAggregate: AggregateImpl = async (readings, window) => {
  let rejected = 0;
  let n = 0;
  const stats = new Map<number, SensorStats>();
  async function* valid(src: AsyncIterable<Reading>): AsyncGenerator<Value> {
    for await (const r of src) {
      if (r.ok) yield { sensor: r.sensor, f: toDeciF(r.centi) };
      else rejected++;
    }
  }
  async function* tally(src: AsyncIterable<Value>): AsyncGenerator<number> {
    for await (const v of src) {
      n++;
      stats.set(v.sensor, addTo(stats.get(v.sensor), v));
      yield v.f;
    }
  }
  async function* chunks(src: AsyncIterable<number>, size: number): AsyncGenerator<number[]> {
    let w: number[] = [];
    for await (const x of src) {
      w.push(x);
      if (w.length === size) {
        yield w;
        w = [];
      }
    }
    if (w.length) yield w;
  }
  const windows: number[][] = [];
  for await (const w of chunks(tally(valid(fromArray(readings))), window)) windows.push(w);
  return finish(n, rejected, stats, windows);
};
