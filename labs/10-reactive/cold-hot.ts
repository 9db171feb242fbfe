/**
 * Cold and hot, and what a late subscriber sees. The same seeded sensor
 * stream (a reading every 4 virtual ms) is subscribed to twice: once at the
 * start and once, late, at frame 10. Cold, each subscriber runs the source
 * for itself from the first reading; hot (share()), the late subscriber
 * joins the one running source and sees only what comes after it joined.
 */
import type { Observable } from 'rxjs';
import type { LabContext } from '../../src/core/lab.js';
import type { DiagramGroup } from './diagrams.js';
import { celsius, sensorReadings } from './readings.js';
import { loadTesting, record, valuesOf, type Recorded } from './virtual.js';

export interface ColdHotOptions {
  /** Readings in the stream. */
  readings: number;
  /** Makes the stream hot: the seam a fault test replaces (e.g. forgets share()). */
  makeHot?: <T>(src$: Observable<T>) => Observable<T>;
}

const PERIOD = 4;
const LATE_AT = 10;

export async function coldHot(ctx: LabContext<unknown>, o: ColdHotOptions): Promise<DiagramGroup> {
  const rx = await import('rxjs');
  const scheduler = (await loadTesting()).fresh();
  const makeHot = o.makeHot ?? (<T>(src$: Observable<T>) => src$.pipe(rx.share()));
  const temps = sensorReadings(ctx.rng.derive('cold-hot'), o.readings * 2)
    .filter((r) => r.ok)
    .slice(0, o.readings)
    .map((r) => celsius(r.centi));
  const runs = { cold: 0, hot: 0 };
  const source = (which: 'cold' | 'hot'): Observable<number> =>
    rx.defer(() => {
      runs[which]++;
      return rx.interval(PERIOD, scheduler).pipe(
        rx.take(temps.length),
        rx.map((i) => temps[i] as number),
      );
    });
  let rec: Record<'coldFirst' | 'coldLate' | 'hotFirst' | 'hotLate', Recorded[]> | undefined;
  scheduler.run(() => {
    const cold$ = source('cold');
    const hot$ = makeHot(source('hot'));
    rec = { coldFirst: record(scheduler, cold$), coldLate: record(scheduler, cold$, LATE_AT), hotFirst: record(scheduler, hot$), hotLate: record(scheduler, hot$, LATE_AT) };
  });
  const r = rec as NonNullable<typeof rec>;
  const seen = (x: Recorded[]): number[] => valuesOf(x) as number[];
  // Both subscribers see a tail of the readings: say which.
  const span = (n: number): string => (n ? `${n} readings (#${temps.length - n + 1} to #${temps.length})` : 'nothing');

  ctx.table({
    title: `Cold and hot: a late subscriber joins at frame ${LATE_AT}`,
    columns: [
      { key: 'stream', label: 'stream' },
      { key: 'runs', label: 'source runs' },
      { key: 'first', label: 'first sees' },
      { key: 'late', label: 'late sees' },
    ],
    rows: (['cold', 'hot'] as const).map((k) => ({
      stream: k === 'cold' ? 'cold' : 'hot (share())',
      runs: runs[k],
      first: span(seen(k === 'cold' ? r.coldFirst : r.hotFirst).length),
      late: span(seen(k === 'cold' ? r.coldLate : r.hotLate).length),
    })),
    note: `a reading every ${PERIOD} virtual ms; the diagrams below show each subscriber's view`,
  });
  ctx.output('coldHot.late', { cold: seen(r.coldLate), hot: seen(r.hotLate) });

  // What each must see: cold, the whole stream again; hot, the readings that came after the late subscriber joined.
  const after = r.hotFirst.filter((m) => m.frame > LATE_AT && m.notification.kind === 'N').map((m) => m.notification.value);
  const bad: string[] = [];
  if (runs.cold !== 2) bad.push(`cold source ran ${runs.cold} times for 2 subscribers`);
  if (runs.hot !== 1) bad.push(`hot source ran ${runs.hot} times for 2 subscribers`);
  if (JSON.stringify(seen(r.coldLate)) !== JSON.stringify(temps)) bad.push('the late cold subscriber missed readings');
  if (JSON.stringify(seen(r.hotLate)) !== JSON.stringify(after)) bad.push(`the late hot subscriber saw ${seen(r.hotLate).length}, expected the ${after.length} after frame ${LATE_AT}`);
  ctx.check(
    'cold replays per subscriber, hot shares',
    bad.length === 0,
    bad.length ? bad.join('; ') : `runs ${runs.cold} vs ${runs.hot}; late saw ${seen(r.coldLate).length} vs ${seen(r.hotLate).length}`,
  );
  return {
    title: 'Marble diagrams: cold and hot',
    rows: [
      { name: 'cold, first', messages: r.coldFirst },
      { name: 'cold, late', messages: r.coldLate },
      { name: 'hot, first', messages: r.hotFirst },
      { name: 'hot, late', messages: r.hotLate },
    ],
    show: (v) => `${v as number}°C`,
  };
}
