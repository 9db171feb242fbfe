/**
 * The same aggregate computed three ways (aggregate.ts): rxjs, an
 * EventEmitter pipeline and async iterators, on the same seeded readings.
 * The results must be identical; the throughput of each is measured.
 */
import type { LabContext } from '../../src/core/lab.js';
import { emitterAggregate, iteratorAggregate, rxjsAggregate, type Aggregate, type AggregateImpl } from './aggregate.js';
import { sensorReadings } from './readings.js';
import { fmtNum } from '../../src/render/format.js';

export type ImplName = 'rxjs' | 'emitter' | 'iterator';
const NAMES: readonly ImplName[] = ['rxjs', 'emitter', 'iterator'];
const LABEL: Record<ImplName, string> = { rxjs: 'rxjs operators', emitter: 'EventEmitter stages', iterator: 'async iterators' };

export interface AggregatesOptions {
  events: number;
  window: number;
  /** The implementations: the seam a fault test fills with one that is off by one. */
  implementations?: Partial<Record<ImplName, AggregateImpl>>;
}

export async function aggregates(ctx: LabContext<unknown>, o: AggregatesOptions): Promise<{ eventsPerSec: Record<ImplName, number> }> {
  const rx = await import('rxjs');
  const impls: Record<ImplName, AggregateImpl> = { rxjs: rxjsAggregate(rx), emitter: emitterAggregate, iterator: iteratorAggregate, ...o.implementations };
  const readings = sensorReadings(ctx.rng.derive('aggregate'), o.events);

  const results = {} as Record<ImplName, Aggregate>;
  const eventsPerSec = {} as Record<ImplName, number>;
  const rows = [];
  for (const [i, name] of NAMES.entries()) {
    ctx.progress(`aggregate: ${name}`, i / NAMES.length);
    const impl = impls[name];
    results[name] = await impl(readings, o.window);
    const s = await ctx.sample(() => impl(readings, o.window));
    const rates = s.wall.map((ms) => (o.events / ms) * 1000);
    const m = ctx.metric({ name: 'aggregate throughput', unit: 'events/s', better: 'higher', variant: { impl: name, events: o.events }, samples: rates });
    eventsPerSec[name] = m.median;
    rows.push({ impl: LABEL[name], rate: { value: m.median, low: m.ci.low, high: m.ci.high }, vs: m.median / (eventsPerSec.rxjs ?? m.median) });
    ctx.output(`aggregate.${name}`, results[name]);
  }
  const same = NAMES.map((n) => JSON.stringify(results[n]));
  const agree = same.every((x) => x === same[0]);
  ctx.table({
    title: `One aggregate, three ways: ${fmtNum(o.events)} readings`,
    columns: [
      { key: 'impl', label: 'implementation' },
      { key: 'rate', label: 'events/s' },
      { key: 'vs', label: 'vs rxjs', unit: 'x' },
    ],
    rows,
    note:
      `drop glitches, convert to °F, per-sensor count/sum/min/max, windows of ${o.window} (bufferCount) with the largest mean. ` +
      `events/s: median (95% CI) of ${ctx.repeat} runs.`,
  });
  const a = results.rxjs;
  ctx.table({
    title: 'The aggregate (°F)',
    columns: [
      { key: 'sensor', label: 'sensor' },
      { key: 'count', label: 'readings' },
      { key: 'mean', label: 'mean' },
      { key: 'min', label: 'min' },
      { key: 'max', label: 'max' },
    ],
    rows: a.sensors.map((s) => ({ sensor: s.sensor, count: s.count, mean: s.sum / s.count / 10, min: s.min / 10, max: s.max / 10 })),
    note: `${fmtNum(a.count)} valid, ${fmtNum(a.rejected)} glitches dropped; ${fmtNum(a.windows)} windows, the last of ${a.lastWindowSize}; largest window mean ${a.maxWindowMean === null ? '–' : (a.maxWindowMean / 10).toFixed(1)} °F`,
  });
  const diff = NAMES.filter((n) => same[NAMES.indexOf(n)] !== same[0]);
  ctx.check(
    'rxjs, EventEmitter, async iterators agree',
    agree,
    agree ? `identical on ${fmtNum(a.count)} readings` : `${diff.join(', ')} differ from rxjs: ${firstDiff(results.rxjs, results[diff[0] ?? 'rxjs'])}`,
  );
  return { eventsPerSec };
}

/** Where two aggregates first differ, for the check's detail. */
function firstDiff(a: Aggregate, b: Aggregate): string {
  for (const k of Object.keys(a) as (keyof Aggregate)[]) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
      const x = JSON.stringify(a[k]);
      const y = JSON.stringify(b[k]);
      return `${k}: ${x.length > 30 ? `${x.slice(0, 30)}…` : x} vs ${y.length > 30 ? `${y.slice(0, 30)}…` : y}`;
    }
  }
  return 'no difference';
}
