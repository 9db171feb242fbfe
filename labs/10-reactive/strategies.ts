/**
 * Backpressure strategies as rxjs pipelines. Each turns the producer's
 * events into consumer calls at the consumer's pace, and counts what it
 * drops where it drops it: the check then holds each strategy to
 * delivered + dropped = emitted, which a strategy that loses events
 * without saying so breaks.
 */
import type { Observable } from 'rxjs';

type Rx = typeof import('rxjs');

export interface Ev {
  seq: number;
}

export interface Counters {
  /** Events that reached the strategy. */
  emitted: number;
  /** Events handed to the consumer. */
  delivered: number;
  /** Events the strategy discarded, counted where it discarded them. */
  dropped: number;
}

export interface Strategy {
  name: string;
  /** The rxjs operators, for the table's note. */
  rxjs: string;
  /**
   * Build the pipeline from the events to consumer calls. `consume(batch)`
   * hands a batch to the consumer (counting it delivered) and completes when
   * the consumer is done with it, one period later.
   */
  apply(rx: Rx, events$: Observable<Ev>, consume: (batch: Ev[]) => Observable<unknown>, c: Counters, periodMs: number): Observable<unknown>;
}

export const STRATEGIES: readonly Strategy[] = [
  {
    name: 'buffer',
    rxjs: 'concatMap (an unbounded queue)',
    apply: (rx, ev$, consume) => ev$.pipe(rx.concatMap((e) => consume([e]))),
  },
  {
    name: 'drop',
    rxjs: 'exhaustMap (drops while busy)',
    apply: (rx, ev$, consume, c) => {
      let busy = false;
      return ev$.pipe(
        // exhaustMap ignores what comes while its inner job runs: count those.
        rx.tap(() => {
          if (busy) c.dropped++;
        }),
        rx.exhaustMap((e) => {
          busy = true;
          return consume([e]).pipe(rx.finalize(() => (busy = false)));
        }),
      );
    },
  },
  {
    name: 'latest',
    rxjs: 'sampleTime(period), concatMap',
    apply: (rx, ev$, consume, c, period) => {
      let pending = false;
      return ev$.pipe(
        // A new event replaces one not yet sampled: that one is dropped.
        rx.tap(() => {
          if (pending) c.dropped++;
          pending = true;
        }),
        rx.sampleTime(period),
        rx.tap({
          next: () => (pending = false),
          // sampleTime does not emit what is pending when the source completes: dropped too.
          complete: () => {
            if (pending) c.dropped++;
            pending = false;
          },
        }),
        rx.concatMap((e) => consume([e])),
      );
    },
  },
  {
    name: 'window',
    rxjs: 'bufferTime(period), concatMap',
    apply: (rx, ev$, consume, _c, period) =>
      ev$.pipe(
        rx.bufferTime(period),
        rx.filter((batch) => batch.length > 0),
        rx.concatMap((batch) => consume(batch)),
      ),
  },
];
