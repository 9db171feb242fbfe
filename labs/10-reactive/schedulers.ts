/**
 * rxjs's schedulers against Node's own queues, traced for real (not in
 * virtual time). From inside an I/O callback, one callback of each kind is
 * scheduled and the order they ran in is recorded, with the time each took
 * to come. In rxjs 7, queueScheduler runs the work at once (it queues only
 * work scheduled from inside its own work); asapScheduler is a promise
 * microtask (rxjs's own Immediate, Promise.resolve().then), not setImmediate;
 * asyncScheduler is a setInterval timer. animationFrameScheduler needs
 * requestAnimationFrame, which Node does not have.
 */
import { stat } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SchedulerLike } from 'rxjs';
import type { LabContext } from '../../src/core/lab.js';

export type RxScheduler = 'queueScheduler' | 'asapScheduler' | 'asyncScheduler';
export type Label = RxScheduler | 'end of callback' | 'nextTick' | 'promise (before)' | 'promise (after)' | 'setImmediate' | 'setTimeout(0)';

export interface SchedulerOptions {
  /** Traces to take. */
  runs: number;
  /** The schedulers under test: the seam a fault test fills with the wrong one. */
  schedulers?: Record<RxScheduler, SchedulerLike>;
}

const LANDS: Record<Label, string> = {
  queueScheduler: 'at once, in the caller',
  'end of callback': '(the I/O callback)',
  nextTick: 'nextTick queue',
  'promise (before)': 'microtask queue',
  asapScheduler: 'microtask queue',
  'promise (after)': 'microtask queue',
  setImmediate: 'check phase',
  'setTimeout(0)': 'timers phase',
  asyncScheduler: 'timers (setInterval)',
};
const THIS_FILE = fileURLToPath(import.meta.url);
const TRACE_MS = 5000;

function traceOnce(ctx: LabContext<unknown>, s: Record<RxScheduler, SchedulerLike>): Promise<{ label: Label; ms: number }[]> {
  const order: { label: Label; ms: number }[] = [];
  const n = Object.keys(LANDS).length;
  return ctx.withTimeout(
    new Promise((resolve) => {
      stat(THIS_FILE, () => {
        const t0 = performance.now();
        const log = (label: Label): void => {
          order.push({ label, ms: performance.now() - t0 });
          if (order.length === n) resolve(order);
        };
        setTimeout(() => log('setTimeout(0)'), 0);
        s.asyncScheduler.schedule(() => log('asyncScheduler'));
        setImmediate(() => log('setImmediate'));
        void Promise.resolve().then(() => log('promise (before)'));
        s.asapScheduler.schedule(() => log('asapScheduler'));
        void Promise.resolve().then(() => log('promise (after)'));
        process.nextTick(() => log('nextTick'));
        s.queueScheduler.schedule(() => log('queueScheduler'));
        log('end of callback');
      });
    }),
    TRACE_MS,
    'a scheduler trace',
  );
}

const before = (t: readonly { label: Label }[], a: Label, b: Label): boolean => {
  const i = t.findIndex((x) => x.label === a);
  const j = t.findIndex((x) => x.label === b);
  return i >= 0 && j >= 0 && i < j;
};

export async function schedulers(ctx: LabContext<unknown>, o: SchedulerOptions): Promise<void> {
  const rx = await import('rxjs');
  const s = o.schedulers ?? { queueScheduler: rx.queueScheduler, asapScheduler: rx.asapScheduler, asyncScheduler: rx.asyncScheduler };
  const traces: { label: Label; ms: number }[][] = [];
  for (let r = 0; r < o.runs; r++) traces.push(await traceOnce(ctx, s));

  // The order most traces had (the first seen on a tie).
  const key = (t: readonly { label: Label }[]): string => t.map((x) => x.label).join('|');
  const counts = new Map<string, number>();
  for (const t of traces) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
  const first = traces.reduce((best, t) => ((counts.get(key(t)) ?? 0) > (counts.get(key(best)) ?? 0) ? t : best), traces[0] ?? []);
  const same = first.map((x, i) => traces.filter((t) => t[i]?.label === x.label).length);
  const msOf = (label: Label): number[] => traces.map((t) => t.find((x) => x.label === label)?.ms ?? NaN).sort((a, b) => a - b);
  const rows: Record<string, string | number>[] = first.map((x, i) => ({
    n: i + 1,
    label: x.label,
    lands: LANDS[x.label],
    ms: msOf(x.label)[Math.floor(traces.length / 2)] ?? NaN,
    same: `${same[i]}/${traces.length}`,
  }));

  // animationFrameScheduler: rxjs exports it everywhere, but it needs requestAnimationFrame.
  let raf: string;
  try {
    const sub = rx.animationFrameScheduler.schedule(() => {});
    sub.unsubscribe();
    raf = typeof (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame === 'function' ? 'ran' : 'scheduled';
  } catch (e) {
    raf = `${(e as Error).name}: ${(e as Error).message}`;
  }
  rows.push({ n: '–', label: 'animationFrameScheduler', lands: 'not on Node', ms: NaN, same: '–' });
  ctx.table({
    title: 'rxjs schedulers against Node\'s queues (from an I/O callback)',
    columns: [
      { key: 'n', label: '#' },
      { key: 'label', label: 'callback' },
      { key: 'lands', label: 'runs in' },
      { key: 'ms', label: 'ms' },
      { key: 'same', label: 'alike', align: 'right' },
    ],
    rows,
    note:
      'scheduled in this order: setTimeout(0), asyncScheduler, setImmediate, a promise, asapScheduler, a promise, ' +
      'nextTick, queueScheduler; then the callback returns. ms: median time from the start of the I/O callback to the callback; alike: runs with this order. ' +
      `animationFrameScheduler.schedule() on Node: ${raf}.`,
  });
  ctx.output('schedulers.order', first.map((x) => x.label));
  ctx.output('schedulers.animationFrame', raf.startsWith('ReferenceError') ? 'ReferenceError' : raf);

  const bad: string[] = [];
  for (const [i, t] of traces.entries()) {
    const why: string[] = [];
    if (!before(t, 'queueScheduler', 'end of callback')) why.push('queue not at once');
    if (!(before(t, 'nextTick', 'asapScheduler') && before(t, 'promise (before)', 'asapScheduler') && before(t, 'asapScheduler', 'promise (after)'))) why.push('asap not a microtask in turn');
    if (!before(t, 'asapScheduler', 'setImmediate')) why.push('asap after setImmediate');
    if (!(before(t, 'setImmediate', 'asyncScheduler') && before(t, 'setTimeout(0)', 'asyncScheduler'))) why.push('async not a timer');
    if (why.length) bad.push(`run ${i + 1}: ${why.join(', ')}`);
  }
  ctx.check(
    'queue at once, asap a microtask, async a timer',
    bad.length === 0,
    bad.length ? bad.slice(0, 2).join('; ') : `${traces.length}/${traces.length} traces`,
  );
}
