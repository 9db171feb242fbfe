/**
 * Lab 10's pure pieces: the three aggregate implementations (they must agree
 * exactly, edge cases included) and the marble printer (read back by rxjs's
 * own parser).
 */
import { describe, expect, it } from 'vitest';
import { emitterAggregate, iteratorAggregate, rxjsAggregate, toDeciF, type AggregateImpl } from '../../labs/10-reactive/aggregate.js';
import { compareMessages, fitMarble, Legend, printMarble } from '../../labs/10-reactive/marbles.js';
import { burstFrames, GLITCH, sensorReadings, type Reading } from '../../labs/10-reactive/readings.js';
import type { Recorded } from '../../labs/10-reactive/virtual.js';

const rx = await import('rxjs');
const { TestScheduler } = await import('rxjs/testing');
const IMPLS: [string, AggregateImpl][] = [
  ['rxjs', rxjsAggregate(rx)],
  ['emitter', emitterAggregate],
  ['iterator', iteratorAggregate],
];

async function all(readings: readonly Reading[], window: number): Promise<unknown[]> {
  return Promise.all(IMPLS.map(([, f]) => f(readings, window)));
}

describe('the aggregate, three ways', () => {
  it('a small case by hand', async () => {
    const rs: Reading[] = [
      { seq: 0, sensor: 0, centi: 2000, ok: true },
      { seq: 1, sensor: 1, centi: 1000, ok: true },
      { seq: 2, sensor: 0, centi: GLITCH, ok: false },
      { seq: 3, sensor: 0, centi: 3000, ok: true },
      { seq: 4, sensor: 1, centi: 0, ok: true },
    ];
    // 20 °C = 68.0 °F, 10 °C = 50.0 °F, 30 °C = 86.0 °F, 0 °C = 32.0 °F (tenths).
    expect([2000, 1000, 3000, 0].map(toDeciF)).toEqual([680, 500, 860, 320]);
    const expected = {
      count: 4,
      rejected: 1,
      sensors: [
        { sensor: 0, count: 2, sum: 1540, min: 680, max: 860 },
        { sensor: 1, count: 2, sum: 820, min: 320, max: 500 },
      ],
      windows: 2,
      lastWindowSize: 1,
      // Windows of 3: [680, 500, 860] -> 680; [320] -> 320.
      maxWindowMean: 680,
    };
    for (const [name, r] of (await all(rs, 3)).entries()) expect(r, IMPLS[name]?.[0]).toEqual(expected);
  });

  it('agree exactly on seeded streams, and at the edges', async () => {
    const cases: [Reading[], number][] = [
      [sensorReadings(1, 5000), 7],
      [sensorReadings(2, 999), 1],
      [sensorReadings(3, 30), 10],
      [sensorReadings(4, 3), 5],
      [[], 3],
      [sensorReadings(5, 50, 4, 1), 3],
    ];
    for (const [rs, w] of cases) {
      const [a, ...rest] = await all(rs, w);
      for (const b of rest) expect(b).toEqual(a);
    }
    const [empty] = await all([], 3);
    expect(empty).toEqual({ count: 0, rejected: 0, sensors: [], windows: 0, lastWindowSize: 0, maxWindowMean: null });
  });

  it('differ when one is off by one (what the lab check catches)', async () => {
    const rs = sensorReadings(9, 100);
    const off: AggregateImpl = (r, w) => iteratorAggregate(r.slice(0, -1), w);
    expect(await off(rs, 3)).not.toEqual(await emitterAggregate(rs, 3));
  });

  it('readings are a function of the seed', () => {
    expect(sensorReadings(7, 50)).toEqual(sensorReadings(7, 50));
    expect(sensorReadings(7, 50)).not.toEqual(sensorReadings(8, 50));
    expect(burstFrames(3, 4)).toEqual(burstFrames(3, 4));
    const f = burstFrames(3, 4);
    expect(f[0]).toBe(1);
    expect(f.every((x, i) => i === 0 || x > (f[i - 1] ?? 0))).toBe(true);
  });
});

const N = (frame: number, value: unknown): Recorded => ({ frame, notification: { kind: 'N', value } });
const C = (frame: number): Recorded => ({ frame, notification: { kind: 'C' } });
const E = (frame: number, error: unknown): Recorded => ({ frame, notification: { kind: 'E', error } });

/** parseMarbles in run mode (1 frame per character), as the lab reads its diagrams back. */
function parse(marble: string, values: Record<string, unknown>, error?: unknown): Recorded[] {
  return new TestScheduler(() => {}).run(() => TestScheduler.parseMarbles(marble, values, error, false, true) as Recorded[]);
}

describe('the marble printer', () => {
  it('draws frames, groups and time progression in rxjs syntax', () => {
    const legend = new Legend();
    const msgs = [N(2, 10), N(6, 20), N(6, 30), C(6)];
    expect(printMarble(msgs, legend.letterOf, Infinity)).toBe('--a---(bc|)');
    expect(legend.values).toEqual({ a: 10, b: 20, c: 30 });
    expect(printMarble([N(0, 10), N(30, 10), C(31)], legend.letterOf, 5)).toBe('a 29ms a|');
    expect(printMarble([N(12, 20)], legend.letterOf, 5)).toBe('12ms b');
    expect(printMarble([E(3, 'boom')], legend.letterOf, Infinity)).toBe('---#');
  });

  it('what it prints, rxjs parses back to the same notifications', () => {
    const cases: Recorded[][] = [
      [N(2, 10), N(6, 20), N(6, 30), C(6)],
      [N(0, [1, 2]), N(40, [3]), N(44, []), C(44)],
      [N(1, 'x'), E(9, 'boom')],
      [N(100, 5), C(200)],
      [],
    ];
    for (const msgs of cases) {
      for (const d of [Infinity, 5, 1]) {
        const legend = new Legend();
        const m = printMarble(msgs, legend.letterOf, d);
        const err = msgs.find((x) => x.notification.kind === 'E')?.notification.error;
        expect(compareMessages(parse(m, legend.values, err), msgs), `${m}`).toBe('');
      }
    }
  });

  it('a diagram off by a frame does not read back (what the lab check catches)', () => {
    const legend = new Legend();
    const msgs = [N(2, 10), C(5)];
    const shifted = `-${printMarble(msgs, legend.letterOf, Infinity)}`;
    expect(compareMessages(parse(shifted, legend.values), msgs)).toMatch(/message 1: read back .*"frame":3/);
  });

  it('refuses what marble syntax cannot draw, and fits long diagrams by compressing gaps', () => {
    const legend = new Legend();
    // A group at frame 0 takes four frames: nothing can be drawn at frame 2.
    expect(() => printMarble([N(0, 1), N(0, 2), N(2, 3)], legend.letterOf, Infinity)).toThrow(/cannot be drawn/);
    const long = [N(0, 1), N(60, 2), N(61, 3), C(120)];
    const m = fitMarble(printMarble, long, legend.letterOf, 30);
    expect(m.length).toBeLessThanOrEqual(30);
    expect(compareMessages(parse(m, legend.values), long)).toBe('');
  });

  it('gives equal values one letter, in order of first appearance', () => {
    const l = new Legend();
    expect([5, 6, 5, [1], [1]].map(l.letterOf)).toEqual(['a', 'b', 'a', 'c', 'c']);
    expect(l.valuesIn('--a--c')).toEqual({ a: 5, c: [1] });
  });
});
