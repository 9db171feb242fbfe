/**
 * Backpressure, in real time: a producer emits at --rate events/s, faster
 * than the consumer's --pace (each consumer call takes 1/pace s, as an
 * asynchronous consumer would: a timer, not a busy loop). Each strategy
 * (strategies.ts) runs on the same events at the same time; the table gives
 * what each emitted, delivered and dropped, the most it held at once, and
 * how long it took to finish (the buffer drains its backlog after the
 * producer stops).
 */
import type { Observable } from 'rxjs';
import type { LabContext } from '../../src/core/lab.js';
import { STRATEGIES, type Counters, type Ev, type Strategy } from './strategies.js';
import { fmtNum } from '../../src/render/format.js';

export interface BackpressureOptions {
  /** Producer rate, events/s. */
  rate: number;
  /** Consumer pace, calls/s. */
  pace: number;
  /** How long the producer runs, ms. */
  durationMs: number;
  /** The strategies: the seam a fault test fills with one that loses events uncounted. */
  strategies?: readonly Strategy[];
}

interface Run extends Counters {
  name: string;
  peak: number;
  ms: number;
}

export async function backpressure(ctx: LabContext<unknown>, o: BackpressureOptions): Promise<void> {
  const rx = await import('rxjs');
  const strategies = o.strategies ?? STRATEGIES;
  const total = Math.max(1, Math.round((o.rate * o.durationMs) / 1000));
  const period = 1000 / o.pace;

  // One hot producer: every strategy sees the same events at the same times.
  // It emits what is due each millisecond (never in the subscribe call, so all strategies are subscribed first).
  const producer$ = new rx.Observable<Ev>((sub) => {
    const t0 = performance.now();
    let seq = 0;
    const h = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * o.rate) / 1000) + 1);
      while (seq < due) sub.next({ seq: seq++ });
      if (seq >= total) {
        clearInterval(h);
        sub.complete();
      }
    }, 1);
    return () => clearInterval(h);
  }).pipe(rx.share());

  ctx.progress(`backpressure: ${total} events at ${o.rate}/s`);
  const t0 = performance.now();
  const runs = strategies.map((s) => {
    const run: Run = { name: s.name, emitted: 0, delivered: 0, dropped: 0, peak: 0, ms: 0 };
    const held = (): number => run.emitted - run.dropped - run.delivered;
    const events$: Observable<Ev> = producer$.pipe(
      rx.tap(() => {
        run.peak = Math.max(run.peak, held());
        run.emitted++;
      }),
    );
    const consume = (batch: Ev[]): Observable<unknown> =>
      rx.defer(() => {
        run.delivered += batch.length;
        return rx.timer(period);
      });
    const done = new Promise<void>((resolve, reject) => {
      const sub = s.apply(rx, events$, consume, run, period).subscribe({
        error: reject,
        complete: () => {
          run.ms = performance.now() - t0;
          resolve();
        },
      });
      // Stops the producer's interval and the consumer's timers on --timeout or Ctrl-C too.
      ctx.defer(() => sub.unsubscribe());
    });
    return { run, done };
  });
  // Bounded: the producer's time, the buffer's backlog at the consumer's pace, and slack for a loaded machine.
  const bound = o.durationMs + total * period + 10_000;
  await ctx.withTimeout(Promise.all(runs.map((r) => r.done)), bound, 'the backpressure strategies to finish');

  ctx.table({
    title: `Backpressure: ${fmtNum(o.rate)} events/s into a consumer of ${fmtNum(o.pace)}/s`,
    columns: [
      { key: 'name', label: 'strategy' },
      { key: 'emitted', label: 'emitted' },
      { key: 'delivered', label: 'delivered' },
      { key: 'dropped', label: 'dropped' },
      { key: 'peak', label: 'peak held' },
      { key: 'ms', label: 'done after', unit: 'ms' },
    ],
    rows: runs.map(({ run }) => ({ name: run.name, emitted: run.emitted, delivered: run.delivered, dropped: run.dropped, peak: run.peak, ms: run.ms })),
    note:
      `${fmtNum(total)} events over ${fmtNum(o.durationMs)} ms; each consumer call takes ${period.toFixed(1)} ms (a batch, for window). ` +
      strategies.map((s) => `${s.name}: ${s.rxjs}`).join('; ') +
      '. peak held: events taken in but not yet handed to the consumer.',
  });
  ctx.output('backpressure.emitted', total);
  const bad = runs.flatMap(({ run: r }) =>
    r.delivered + r.dropped !== r.emitted || r.emitted !== total ? [`${r.name}: ${r.delivered} + ${r.dropped} vs ${r.emitted} (of ${total})`] : [],
  );
  ctx.check(
    'delivered + dropped = emitted, each strategy',
    bad.length === 0,
    bad.length ? bad.join('; ') : `${runs.length} strategies x ${total} events`,
  );
}
