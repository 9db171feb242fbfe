/** The lab's tables: measured data in, report tables out (no measuring here). */
import type { Column, RangeCell, Table } from '../../src/core/report.js';
import { max, median, min } from '../../src/measure/stats.js';
import { find, frameNaming, sinceStart, type Lifecycle } from './lifecycle.js';
import type { CpuReport } from './messages.js';
import type { PoolRow } from './pool.js';
import { expectedWaves, sizesText, WAVE_GAP, type GateRound } from './waves.js';
import type { StartupSamples } from './startup.js';
import type { ThreadStep } from './threads.js';

type TableInput = Omit<Table, 'highlight'>;

const col = (key: string, label: string, unit?: string): Column => (unit ? { key, label, unit } : { key, label });

export function eventTable(lives: readonly Lifecycle[], t0: number, workerFile: string): TableInput {
  return {
    title: 'Lifecycle events (thread ids are per process)',
    columns: [
      col('lane', 'worker'),
      col('event', 'event'),
      col('at', 'at', 'ms'),
      col('since', 'since start', 'ms'),
      col('tid', 'thread'),
      col('detail', 'detail'),
    ],
    rows: lives.flatMap((l) =>
      l.events.map((e) => {
        // The error row also shows the frame of the stack that names the worker file, when there is one.
        const frame = e.event === 'error' && l.error ? frameNaming(l.error.stack, workerFile) : null;
        return {
          lane: l.lane,
          event: e.event,
          at: e.at - t0,
          since: sinceStart(l, e),
          tid: e.threadId,
          detail: [e.detail, frame].filter(Boolean).join(' | '),
        };
      }),
    ),
    note:
      "at: since the first new Worker(); since start: since the lane's own new " +
      'Worker(), or its fork() for the child, whose worker is created in the child. ' +
      'The lab, its workers and the child stamp every event on one clock, ' +
      "the machine's monotonic clock (process.hrtime).",
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
    title: 'Does a worker keep its process alive? (a child starts one idle worker)',
    columns: [
      col('w', 'worker'),
      col('life', 'worker would live', 'ms'),
      col('created', 'process exit after worker created', 'ms'),
      col('hello', "after worker's hello", 'ms'),
      col('code', 'exit code'),
    ],
    rows: rows.map((r) => ({ w: r.name, life: lifetimeMs, created: r.afterCreated, hello: r.afterHello, code: r.life.exitCode })),
    note:
      "Each child has nothing to do but its worker, which sets its life's timer as it says hello. Checked: " +
      `from the hello, the unref()'d child exits in less than half the worker's life (${lifetimeMs / 2} ms), ` +
      'and the control, the same child without unref(), lives longer than that; both exit with code 0.',
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

const holdsOf = (r: GateRound, holdMs: number): number => r.doneMs / holdMs;
const cores2 = (x: number | null): string => (x === null ? '?' : x.toFixed(2));

export function gateTable(rows: readonly PoolRow[], tasks: number, holdMs: number, cores: number): TableInput {
  return {
    title: `libuv pool: ${tasks} calls that each hold a pool thread, ${cores} cores`,
    columns: [
      col('n', 'pool size'),
      col('expected', 'ceil(k/n)'),
      col('waves', 'waves seen'),
      col('sizes', 'wave sizes'),
      col('atOnce', 'held at once'),
      col('done', 'all done', 'ms'),
      col('holds', 'all done / hold', 'x'),
      col('others', "others' load"),
    ],
    rows: rows.map((r) => ({
      n: r.poolSize,
      expected: expectedWaves(tasks, r.poolSize).length,
      waves: r.rounds.map((x) => x.waves.length).join(', '),
      sizes: r.rounds[0] ? sizesText(r.rounds[0].waves) : '',
      atOnce: r.rounds.map((x) => x.atOnce).join(', '),
      done: median(r.rounds.map((x) => x.doneMs)),
      holds: median(r.rounds.map((x) => holdsOf(x, holdMs))),
      others: r.rounds.map((x) => cores2(x.othersCores)).join(', '),
    })),
    note:
      `Each call is an fs.open() of a FIFO for reading: it holds its pool thread, asleep, until the other end ` +
      `is opened. Every ${holdMs} ms the child's gate opens the FIFO of every call that holds a thread (once ` +
      `none of the pool's threads is runnable), so the calls complete in waves ${holdMs} ms apart, one per ` +
      `opening, whatever the cores. waves seen: one count per round, from the completion times (a gap over ` +
      `${WAVE_GAP * holdMs} ms starts a wave); wave sizes: the first round; held at once: the most calls the gate ` +
      `found holding threads at one opening, per round; others' load: cores' worth of CPU that other ` +
      `processes used meanwhile (/proc/stat), which these waves do not depend on.`,
  };
}

export function cpuTable(reports: readonly CpuReport[], tasks: number, iterations: number, callMs: number, cores: number): TableInput {
  return {
    title: `The same pool with CPU work: ${tasks} pbkdf2 calls of ~${callMs} ms, ${cores} cores`,
    columns: [
      col('n', 'pool size'),
      col('single', 'one call', 'ms'),
      col('done', 'all done', 'ms'),
      col('ratio', 'all done / call', 'x'),
      col('model', 'model', 'x'),
      col('others', "others' load"),
    ],
    rows: reports.map((r) => {
      const done = Math.max(...r.completions);
      return {
        n: r.poolSize,
        single: r.singleMs,
        done,
        ratio: done / r.singleMs,
        model: Math.ceil(tasks / r.poolSize) * Math.max(1, Math.min(r.poolSize, tasks) / cores),
        others: cores2(r.othersCores),
      };
    }),
    note:
      `Shown, not checked (${iterations} iterations a call). A pool thread that computes needs a core: ` +
      `model = ceil(k/n) x max(1, min(n, k)/cores) calls' time, so a pool bigger than the cores finishes ` +
      `no sooner, and its waves blur into each other. Other processes' load slows these calls too.`,
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
