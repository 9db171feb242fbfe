/**
 * What an executor promises, shown and checked on each one: a task's
 * exception reaches the caller; a cancelled queued task never runs (a shared
 * counter proves it); aborting one running task loses no other; a task that
 * calls process.exit() takes down only its own worker, which is replaced;
 * shutdown() lets running work finish and refuses new work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { epochNow, isAbortError, task, type Executor, type ExecutorKind, type TaskRun } from '../../src/executors/index.js';
import { frameNaming } from './analysis.js';
import { LABEL, warm, type MakeExecutor } from './executors.js';
import { allMeet } from './concurrency.js';
import { SEMANTICS_TASKS_URL as T, THROWN_MESSAGE, newCounter, runsOf } from './semantics.tasks.js';

export interface SemanticsOptions {
  /** Workers per pool. */
  size: number;
  make: MakeExecutor;
  kinds?: readonly ExecutorKind[];
  /** How long a holding task keeps its worker, ms. */
  holdMs?: number;
  /** Bound on each step, ms (default 15 s). */
  stepMs?: number;
}

interface Row {
  kind: ExecutorKind;
  /** Where the stack says the exception was thrown. */
  frame?: string;
  error: { ok: boolean; text: string };
  cancel: { ok: boolean; ran: number; text: string };
  abort: { ok: boolean; text: string } | null;
  exit: { ok: boolean; text: string } | null;
  shutdown: { ok: boolean; text: string };
}

type Step = 'error' | 'cancel' | 'abort' | 'exit' | 'shutdown';

const KINDS: readonly ExecutorKind[] = ['sequential', 'threads', 'processes', 'worker-per-task'];
/** Queued tasks cancelled in the cancellation test. */
const CANCELLED = 4;
/** Bound on any one step: far above what it takes, short of the lab's --timeout. */
const STEP_MS = 15_000;
/** A step that did not finish in its time: the executor is stuck, and the steps after it are not tried. */
class Stuck extends Error {}
const TASK_FILE = 'semantics.tasks.js';

export async function semantics(ctx: LabContext<unknown>, o: SemanticsOptions): Promise<void> {
  const kinds = o.kinds ?? KINDS;
  const hold = o.holdMs ?? 30;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conc-lab7-'));
  ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
  const rows: Row[] = [];
  for (const [i, kind] of kinds.entries()) {
    ctx.progress(`semantics: ${LABEL[kind]}`, i / kinds.length);
    // A worker per task has no workers to keep or replace: one at a time shows its semantics, at a thread start per task.
    const ex = await o.make(kind, kind === 'sequential' || kind === 'worker-per-task' ? 1 : o.size);
    try {
      rows.push(await probe(ctx, ex, kind, hold, path.join(dir, kind), o.stepMs ?? STEP_MS));
    } finally {
      // Bounded: a stuck executor is left to the lab's tracking, which stops its threads and children.
      await ctx.withTimeout(ex.shutdown(), o.stepMs ?? STEP_MS, `${LABEL[kind]}: shutdown`).catch(() => {});
    }
  }

  const cell = (x: { ok: boolean; text: string } | null): Cell => (x ? `${x.ok ? '' : '✗ '}${x.text}` : 'n/a');
  ctx.table({
    title: 'Semantics, on each executor',
    columns: [
      { key: 'executor', label: 'executor', align: 'left' },
      { key: 'error', label: 'exception', align: 'left' },
      { key: 'cancel', label: 'cancelled ran', align: 'left' },
      { key: 'abort', label: 'abort one', align: 'left' },
      { key: 'exit', label: 'process.exit()', align: 'left' },
      { key: 'shutdown', label: 'shutdown()', align: 'left' },
    ],
    rows: rows.map((r) => ({
      executor: LABEL[r.kind],
      error: cell(r.error),
      cancel: cell(r.cancel),
      abort: cell(r.abort),
      exit: cell(r.exit),
      shutdown: cell(r.shutdown),
    })),
    note:
      'exception: its message and a stack naming the file it was thrown in reached the caller. cancelled ran: of ' +
      `${CANCELLED} queued tasks aborted at once, how many ran (counted by the tasks themselves: a SharedArrayBuffer where ` +
      'memory is shared, a file across processes). abort one: one queued task cancelled, then one running task aborted; ' +
      'every other task must complete. process.exit(): ' +
      "a task ending its worker, then as many tasks at once as workers. n/a: it would hold or end the lab's own thread.",
  });
  const bad = (f: (r: Row) => { ok: boolean } | null): string => rows.filter((r) => f(r) && !f(r)?.ok).map((r) => LABEL[r.kind]).join(', ');
  const on = (f: (r: Row) => unknown): number => rows.filter((r) => f(r)).length;
  const frame = rows.find((r) => r.error.ok)?.frame ?? '';
  ctx.check("a task's exception reaches the caller", bad((r) => r.error) === '', bad((r) => r.error) ? `wrong on ${bad((r) => r.error)}` : `thrown at ${frame}`);
  ctx.check(
    'cancelled queued tasks never ran',
    bad((r) => r.cancel) === '',
    bad((r) => r.cancel) ? `ran on ${bad((r) => r.cancel)}` : `0 of ${CANCELLED} ran, ${rows.length} executors`,
  );
  ctx.check('aborting a running task loses no other', bad((r) => r.abort) === '' && on((r) => r.abort) > 0, bad((r) => r.abort) ? `lost on ${bad((r) => r.abort)}` : `${on((r) => r.abort)} pools`);
  ctx.check(
    'process.exit() in a task is contained',
    bad((r) => r.exit) === '' && on((r) => r.exit) > 0,
    bad((r) => r.exit) ? `not on ${bad((r) => r.exit)}` : `${on((r) => r.exit)} pools served on at full size`,
  );
  ctx.check('shutdown() finishes running work, refuses new', bad((r) => r.shutdown) === '', bad((r) => r.shutdown) ? `wrong on ${bad((r) => r.shutdown)}` : `${rows.length} executors`);
  ctx.output('cancelled tasks that ran', Object.fromEntries(rows.map((r) => [r.kind, r.cancel.ran])));
}

async function probe(ctx: LabContext<unknown>, ex: Executor, kind: ExecutorKind, hold: number, file: string, stepMs: number): Promise<Row> {
  const row: Row = {
    kind,
    error: { ok: false, text: 'not tried' },
    cancel: { ok: false, ran: NaN, text: 'not tried' },
    abort: kind === 'sequential' ? null : { ok: false, text: 'not tried' },
    exit: kind === 'sequential' ? null : { ok: false, text: 'not tried' },
    shutdown: { ok: false, text: 'not tried' },
  };
  let step: Step = 'error';
  const bounded = <X>(p: Promise<X>, what: string): Promise<X> =>
    ctx.withTimeout(p, stepMs, `${LABEL[kind]}: ${what}`).catch((e: unknown) => {
      if (ctx.signal.aborted) throw e;
      throw new Stuck(`${what}: stuck ${stepMs / 1000} s`);
    });
  try {
    await steps(ctx, ex, kind, hold, file, bounded, row, (s) => (step = s));
  } catch (e) {
    if (!(e instanceof Stuck)) throw e;
    row[step] = { ...row[step], ok: false, text: 'stuck' } as never;
  }
  return row;
}

async function steps(
  ctx: LabContext<unknown>,
  ex: Executor,
  kind: ExecutorKind,
  hold: number,
  file: string,
  bounded: <X>(p: Promise<X>, what: string) => Promise<X>,
  row: Row,
  at: (s: Step) => void,
): Promise<void> {
  // A worker per task has nothing to warm: each task starts its own.
  if (ex.kind !== 'worker-per-task') await bounded(warm(ex, task(T, 'tick', null, 0)), 'warm-up');
  const size = ex.size;

  // An exception: its message, and a stack that names the file where it was thrown.
  at('error');
  const e = await bounded(ex.execute(task(T, 'fail', THROWN_MESSAGE)), 'the failing task');
  const frame = frameNaming(e.error?.stack, TASK_FILE);
  const errorOk = e.status === 'rejected' && e.error?.message === THROWN_MESSAGE && frame !== null;
  row.error = {
    ok: errorOk,
    text: e.status === 'fulfilled' ? 'swallowed' : e.error?.message !== THROWN_MESSAGE ? 'wrong message' : frame === null ? 'stack lost' : 'carried',
  };
  row.frame = frame?.replace(/^.*\(/, '').replace(/\)$/, '') ?? '';

  // Cancel queued tasks: every worker held, then CANCELLED tasks queued and aborted at once; then `size`
  // sentinels, which run after anything queued before them. The tasks count themselves.
  at('cancel');
  const counter = newCounter(ex.sharesMemory, CANCELLED + size, `${file}.cancel`);
  const blockers = Array.from({ length: size }, (_, i) => ex.execute(task(T, 'hold', null, i, hold)));
  const ac = new AbortController();
  const cancelled = Array.from({ length: CANCELLED }, (_, i) => ex.execute(task(T, 'tick', counter, i), { signal: ac.signal }));
  ac.abort(new Error('cancelled by the lab'));
  const settled = await bounded(Promise.all([...blockers, ...cancelled]), 'cancelled tasks');
  const sentinels = await bounded(Promise.all(Array.from({ length: size }, (_, i) => ex.execute(task(T, 'tick', counter, CANCELLED + i)))), 'sentinels');
  const counts = runsOf(counter, CANCELLED + size);
  const ran = counts.slice(0, CANCELLED).reduce((a, b) => a + b, 0);
  const rejected = settled.slice(size).filter((r) => r.status === 'rejected' && isAbortError(r.error)).length;
  const sentinelsRan = counts.slice(CANCELLED).every((c) => c === 1) && sentinels.every((r) => r.status === 'fulfilled');
  row.cancel = {
    ok: ran === 0 && rejected === CANCELLED && sentinelsRan,
    ran,
    text: `${ran} of ${CANCELLED}` + (rejected !== CANCELLED ? `, ${rejected} rejected` : '') + (sentinelsRan ? '' : ', count broken'),
  };

  // Abort one running task among size + 2: the others must all complete.
  if (kind !== 'sequential') {
    at('abort');
    // size + 2 tasks: the first `size` run, the rest queue. Once task 0 runs, the first queued task
    // (index size) is cancelled, then task 0 is aborted while it runs: every other task must still
    // complete (piscina 5.0 lost the later tasks after exactly this sequence, issue #805; an abort
    // that ends a worker shared by other tasks loses them, #934).
    const n = size + 2;
    const c2 = newCounter(ex.sharesMemory, n, `${file}.abort`);
    const acs = Array.from({ length: n }, () => new AbortController());
    const runs = acs.map((ac, i) => ex.execute<number>(task(T, 'hold', c2, i, hold * 2), i === 0 || i === size ? { signal: ac.signal } : {}));
    const t0 = Date.now();
    while ((runsOf(c2, n)[0] ?? 0) < 1 && Date.now() - t0 < STEP_MS) await ctx.sleep(2);
    if ((runsOf(c2, n)[0] ?? 0) < 1) throw new Stuck('the task to abort never started');
    acs[size]?.abort(new Error('cancelled by the lab'));
    acs[0]?.abort(new Error('aborted by the lab'));
    const out: TaskRun<number>[] = await bounded(Promise.all(runs), 'tasks beside the aborted one');
    const lost = out.filter((r, i) => i !== 0 && i !== size && (r.status !== 'fulfilled' || r.value !== i)).length;
    const aborted = [0, size].every((i) => out[i]?.status === 'rejected' && isAbortError(out[i]?.error));
    const queuedRan = runsOf(c2, n)[size] ?? 0;
    row.abort = {
      ok: aborted && lost === 0 && queuedRan === 0,
      text: `${!aborted ? 'not aborted, ' : ''}${queuedRan ? 'cancelled ran, ' : ''}${lost ? `${lost} lost` : 'others done'}`,
    };
  }

  // process.exit() in a task: that task fails, the pool replaces its worker and serves at full size.
  if (kind !== 'sequential') {
    at('exit');
    const x = await bounded(ex.execute(task(T, 'exitNow', 7)), 'the exiting task');
    // size tasks that wait for each other meet only if the dead worker was replaced.
    const full = await bounded(allMeet(ex, size, path.dirname(file)), 'tasks after the exit');
    const failed = x.status === 'rejected';
    row.exit = { ok: failed && full, text: !failed ? 'not reported' : full ? 'contained' : 'pool shrank' };
  }

  // shutdown(): the task running at the time completes; a task submitted after is refused.
  at('shutdown');
  const running = ex.execute<number>(task(T, 'hold', null, 3, hold));
  let doneAt = NaN;
  const sd = ex.shutdown().then(() => (doneAt = epochNow()));
  const after = await bounded(ex.execute(task(T, 'tick', null, 0)), 'a task after shutdown');
  const r = await bounded(running, 'the task running at shutdown');
  await bounded(sd, 'shutdown');
  const refused = after.status === 'rejected' && after.error?.name === 'ExecutorShutdownError';
  const finished = r.status === 'fulfilled' && r.value === 3 && doneAt >= r.end;
  row.shutdown = { ok: refused && finished, text: !finished ? 'cut work' : refused ? 'waits, refuses' : 'took more' };
}
