/** The lab's tables: measured data in, report tables out (no measuring here). */
import type { Column, RangeCell, Table } from '../../src/core/report.js';
import { max, median, min } from '../../src/measure/stats.js';
import { find, frameNaming, type Lifecycle } from './lifecycle.js';
import { BUSY_SHARE, isQuiet, sharePct, type PoolRow } from './pool.js';
import type { StartupSamples } from './startup.js';
import type { ThreadStep } from './threads.js';

type TableInput = Omit<Table, 'highlight'>;

const col = (key: string, label: string, unit?: string): Column => (unit ? { key, label, unit } : { key, label });

export function eventTable(lives: readonly Lifecycle[], t0: number): TableInput {
  return {
    title: 'Lifecycle events (ms since the first worker was created; thread ids are per process)',
    columns: [
      col('lane', 'worker'),
      col('event', 'event'),
      col('at', 'at', 'ms'),
      col('since', 'since created', 'ms'),
      col('tid', 'thread'),
      col('detail', 'detail'),
    ],
    rows: lives.flatMap((l) =>
      l.events.map((e) => {
        // The error row also shows the frame of the stack that names the worker file, when there is one.
        const frame = e.event === 'error' && l.error ? frameNaming(l.error.stack, 'lifecycle.worker.js') : null;
        return {
          lane: l.lane,
          event: e.event,
          at: e.at - t0,
          since: e.at - (find(l, 'created') ?? e).at,
          tid: e.threadId,
          detail: [e.detail, frame].filter(Boolean).join(' | '),
        };
      }),
    ),
  };
}

export interface UnrefRow {
  name: string;
  life: Lifecycle;
  afterCreated: number;
  afterHello: number;
}

export function unrefTable(lifetimeMs: number, rows: readonly UnrefRow[]): TableInput {
  return {
    title: 'Does a worker keep its process alive? (a child starts one idle worker, then has nothing else to do)',
    columns: [
      col('w', 'worker'),
      col('life', 'worker would live', 'ms'),
      col('created', 'process exit after worker created', 'ms'),
      col('hello', "after worker's hello", 'ms'),
      col('code', 'exit code'),
    ],
    rows: rows.map((r) => ({ w: r.name, life: lifetimeMs, created: r.afterCreated, hello: r.afterHello, code: r.life.exitCode })),
  };
}

/** Before, after each start, after all stopped (the chart shows each stop). */
export function threadTable(steps: readonly ThreadStep[], k: number): TableInput {
  const base = steps[0]?.threads ?? NaN;
  const last = steps[steps.length - 1];
  const shown = [...steps.slice(0, k + 1), ...(last ? [{ ...last, stage: 'after stopping all' }] : [])];
  return {
    title: 'OS threads of the lab process (/proc/self/task)',
    columns: [col('stage', 'stage'), col('live', 'live workers'), col('threads', 'OS threads'), col('delta', 'change')],
    rows: shown.map((s) => ({ stage: s.stage, live: s.live, threads: s.threads, delta: s.threads - base })),
  };
}

export function poolTable(rows: readonly PoolRow[], tasks: number, iterations: number, callMs: number, cores: number): TableInput {
  return {
    title: `libuv thread pool: ${tasks} pbkdf2 calls at once (${iterations} iterations, ~${callMs} ms each), ${cores} cores`,
    columns: [
      col('n', 'pool size'),
      col('single', 'one call', 'ms'),
      col('expected', 'ceil(k/n)'),
      col('waves', 'waves seen'),
      col('others', "others' CPU"),
      col('tol', 'tolerance'),
      col('sizes', 'wave sizes'),
      col('done', 'all done', 'ms'),
      col('ratio', 'all done / call', 'x'),
      col('model', 'model', 'x'),
    ],
    rows: rows.map((r) => ({
      n: r.poolSize,
      single: median(r.runs.map((x) => x.singleMs)),
      expected: r.expected,
      waves: r.runs.map((x) => `${x.waves.length}${isQuiet(x) ? '' : '*'}`).join(', '),
      others: r.runs.map(sharePct).join(', '),
      tol: r.tolerance ? `±${r.tolerance}` : 'exact',
      sizes: r.runs[0]?.waves.join('+') ?? '',
      done: median(r.runs.map((x) => x.doneMs)),
      ratio: median(r.runs.map((x) => x.doneMs / x.singleMs)),
      model: r.expected * Math.max(1, Math.min(r.poolSize, tasks) / cores),
    })),
    note:
      `waves seen: one count per round (* = other processes used >= ${BUSY_SHARE * 100}% of the CPU meanwhile: not checked); ` +
      "others' CPU from " +
      '/proc/stat; wave sizes: the first round. model = ceil(k/n) x max(1, min(n, k)/cores) calls: ' +
      "with more pool threads than cores a wave's calls share the cores, so a wave lasts about n/cores calls (shown, not checked).",
  };
}

const cell = (xs: readonly number[]): RangeCell => ({ value: median(xs), low: min(xs), high: max(xs) });

export function startupTable(st: Record<'thread' | 'process', StartupSamples>, n: number): TableInput {
  const base = median(st.thread.start);
  return {
    title: `Start-up: worker thread against child process (median and range of ${n})`,
    columns: [
      col('kind', 'started by'),
      col('start', 'to first message', 'ms'),
      col('total', 'to exit', 'ms'),
      col('ratio', 'start vs thread', 'x'),
    ],
    rows: (['thread', 'process'] as const).map((k) => ({
      kind: k === 'thread' ? 'new Worker()' : 'fork()',
      start: cell(st[k].start),
      total: cell(st[k].total),
      ratio: median(st[k].start) / base,
    })),
  };
}
