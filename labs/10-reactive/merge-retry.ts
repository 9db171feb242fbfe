/**
 * mergeMap with a concurrency limit, and retry on injected errors, in
 * virtual time. Each inner job counts itself in and out (defer / finalize),
 * so the most jobs running at once is measured, not assumed; each fetch
 * counts its attempts, so the retries are too.
 */
import type { Observable, OperatorFunction } from 'rxjs';
import type { LabContext } from '../../src/core/lab.js';
import { loadTesting, record, valuesOf, type Recorded } from './virtual.js';

type Rx = typeof import('rxjs');

export interface MergeRetryOptions {
  /** Jobs to run through mergeMap. */
  jobs: number;
  /** mergeMap's concurrency limit. */
  concurrency: number;
  /** How mergeMap is applied: the seam a fault test replaces (e.g. with one that ignores the limit). */
  limited?: <T, R>(rx: Rx, project: (v: T) => Observable<R>, limit: number) => OperatorFunction<T, R>;
  /** retry's count: a fault test passes fewer than the errors injected. */
  retries?: number;
}

/** At most this many errors are injected into one fetch; retry gets this many tries by default. */
const MAX_ERRORS = 2;

export async function mergeAndRetry(ctx: LabContext<unknown>, o: MergeRetryOptions): Promise<void> {
  const rx = await import('rxjs');
  const { fresh } = await loadTesting();
  let scheduler = fresh();
  const rng = ctx.rng;
  const limited = o.limited ?? ((x: Rx, project, limit) => x.mergeMap(project, limit));

  // mergeMap: jobs of seeded virtual durations, all offered at once.
  const durations = Array.from({ length: o.jobs }, () => rng.int(3, 9));
  let active = 0;
  let maxActive = 0;
  let out: Recorded[] = [];
  scheduler.run(() => {
    const job = (i: number): Observable<number> =>
      rx.defer(() => {
        active++;
        maxActive = Math.max(maxActive, active);
        return rx.timer(durations[i] ?? 1, scheduler).pipe(
          rx.map(() => i),
          rx.finalize(() => active--),
        );
      });
    out = record(scheduler, rx.range(0, o.jobs).pipe(limited(rx, job, o.concurrency)));
  });
  const done = out.at(-1)?.frame ?? 0;
  const want = Math.min(o.concurrency, o.jobs);
  ctx.table({
    title: `mergeMap(job, ${o.concurrency}) over ${o.jobs} jobs (virtual time)`,
    columns: [
      { key: 'limit', label: 'limit' },
      { key: 'max', label: 'most at once' },
      { key: 'work', label: 'job time', unit: 'ms' },
      { key: 'took', label: 'all done', unit: 'ms' },
      { key: 'order', label: 'finished in order' },
    ],
    rows: [
      {
        limit: o.concurrency,
        max: maxActive,
        work: durations.reduce((a, b) => a + b, 0),
        took: done,
        order: (valuesOf(out) as number[]).join(' '),
      },
    ],
    note: `job durations ${durations.join(', ')} ms; most at once: counted as each job starts and ends`,
  });
  ctx.output('mergeMap', { finishedOrder: valuesOf(out), maxInFlight: maxActive, doneAt: done });
  ctx.check(
    'mergeMap keeps to its limit',
    maxActive === want && valuesOf(out).length === o.jobs,
    `${maxActive} at once, limit ${o.concurrency}; ${valuesOf(out).length} results`,
  );

  // retry: each fetch fails a seeded number of times (0 to MAX_ERRORS) before it answers.
  const retries = o.retries ?? MAX_ERRORS;
  const fetches = 6;
  const injected = Array.from({ length: fetches }, () => rng.int(0, MAX_ERRORS));
  const attempts = new Array<number>(fetches).fill(0);
  let got: Recorded[] = [];
  scheduler = fresh();
  scheduler.run(() => {
    const fetch = (i: number): Observable<number> =>
      rx.defer(() => {
        const n = attempts[i] ?? 0;
        attempts[i] = n + 1;
        return rx.timer(2, scheduler).pipe(
          rx.map(() => {
            if (n < (injected[i] ?? 0)) throw new Error(`fetch ${i}: injected error ${n + 1}`);
            return i;
          }),
        );
      }).pipe(rx.retry(retries));
    got = record(scheduler, rx.range(0, fetches).pipe(rx.concatMap(fetch)));
  });
  const err = got.find((m) => m.notification.kind === 'E')?.notification.error as Error | undefined;
  ctx.table({
    title: `retry(${retries}) on injected errors (virtual time)`,
    columns: [
      { key: 'fetch', label: 'fetch' },
      { key: 'injected', label: 'errors injected' },
      { key: 'attempts', label: 'attempts' },
      { key: 'result', label: 'result' },
    ],
    rows: injected.map((k, i) => ({
      fetch: i,
      injected: k,
      attempts: attempts[i] ?? 0,
      result: (valuesOf(got) as number[]).includes(i) ? 'arrived' : err && attempts[i] ? 'error' : '–',
    })),
  });
  ctx.output('retry', { injected, attempts, values: valuesOf(got) });
  const wrong = injected.flatMap((k, i) => ((attempts[i] ?? 0) !== k + 1 || !(valuesOf(got) as number[]).includes(i) ? [`fetch ${i}: ${k} errors, ${attempts[i]} attempts`] : []));
  ctx.check(
    'retry resubscribes until the value arrives',
    wrong.length === 0 && !err,
    wrong.length || err ? `${err ? `${err.message}; ` : ''}${wrong.slice(0, 2).join('; ')}` : `${injected.reduce((a, b) => a + b, 0)} errors, ${fetches}/${fetches} arrived`,
  );
}
