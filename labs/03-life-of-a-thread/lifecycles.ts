/**
 * Experiment: the lifecycles of five workers, drawn on one timeline. Four run
 * in this process, one after another so that each lane's times are its own
 * (normal, throws, terminated, out of memory); the fifth is an unref()'d
 * worker in a child process. Checks the order of the events, the thread ids,
 * and how each of the four ends.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabContext } from '../../src/core/lab.js';
import { fmtNum } from '../../src/render/format.js';
import * as L from './lifecycle.js';
import { THROWN_MESSAGE } from './messages.js';
import { eventTable } from './tables.js';

export interface LifecyclesOptions {
  /** How long the terminated worker (and the unref'd one) would run, ms. */
  lifetime: number;
  /** The lifecycle worker: the seam for the fault tests, which pass a broken one. */
  worker?: URL;
  /** The unref child (argv 'unref' | 'ref', lifetime): a seam for the fault tests too. */
  unrefChild?: URL;
}

export interface LifecyclesResult {
  /** The unref'd child's lane: the unref experiment compares its control with it. */
  unrefd: L.Lifecycle;
}

const ms = (x: number): string => `${fmtNum(x)} ms`;

export async function lifecycles(ctx: LabContext<unknown>, o: LifecyclesOptions): Promise<LifecyclesResult> {
  const worker = o.worker ?? L.WORKER_URL;
  const file = basename(fileURLToPath(worker));
  const lives: L.Lifecycle[] = [];
  for (const s of L.scenarios(o.lifetime)) {
    ctx.progress(`lifecycle: ${s.lane}`);
    lives.push(await L.runWorkerLifecycle(ctx, s, L.WAIT_MS, worker));
  }
  // The parent lives on after the OOM: it holds more than the worker's whole heap and starts a fresh worker.
  const hoard = new Array<number>(4 * 1024 * 1024).fill(1.5); // 32 MiB of doubles
  const probe = await L.runWorkerLifecycle(ctx, { lane: 'probe', data: { mode: 'normal', workMs: 0 }, legal: [] }, L.WAIT_MS, worker);
  ctx.progress("lifecycle: unref'd worker in a child process");
  const unrefd = await L.runUnrefChild(ctx, "unref'd child", true, o.lifetime, L.WAIT_MS, o.unrefChild);
  lives.push(unrefd);

  const t0 = Math.min(...lives.map((l) => l.events[0]?.at ?? Infinity));
  ctx.chart(L.timelineOf(lives, t0));
  ctx.table(eventTable(lives, t0, file));

  const problems = lives.map(L.orderProblem).filter((p) => p !== null);
  const events = lives.reduce((n, l) => n + l.events.length, 0);
  ctx.check('events in a legal order', problems.length === 0, problems[0] ?? `${events} events in ${lives.length} lanes`);
  ctx.output('event order', Object.fromEntries(lives.map((l) => [l.lane, l.events.map((e) => e.event).join(' < ')])));
  ctx.output('exit codes', Object.fromEntries(lives.map((l) => [l.lane, l.exitCode])));

  const ids = lives.map((l) => ({ lane: l.lane, out: L.find(l, 'created')?.threadId, in: L.find(l, 'first message')?.threadId }));
  const wrongId = ids.find((x) => !(typeof x.out === 'number' && x.out > 0 && x.out === x.in));
  ctx.check(
    "a worker's threadId is the same inside",
    !wrongId,
    wrongId ? `${wrongId.lane}: ${wrongId.out} outside, ${wrongId.in} inside` : `ids ${ids.map((x) => x.in).join(', ')}`,
  );

  const [normal, thrown, killed, oom] = lives as [L.Lifecycle, L.Lifecycle, L.Lifecycle, L.Lifecycle];
  const normalOk = normal.exitCode === 0 && !normal.error;
  ctx.check('a normal worker ends by itself with exit code 0', normalOk, `exit code ${normal.exitCode}${normal.error ? ', an error' : ''}`);

  const frame = L.frameNaming(thrown.error?.stack ?? '', file);
  const thrownOk = thrown.error?.message === THROWN_MESSAGE && frame !== null && thrown.exitCode === 1;
  ctx.check(
    'a thrown error reaches the parent',
    thrownOk,
    thrownOk
      ? `at ${L.frameLocation(frame)}`
      : !thrown.error
        ? `no error; exit code ${thrown.exitCode}`
        : thrown.error.message !== THROWN_MESSAGE
          ? `another message; exit code ${thrown.exitCode}`
          : `no worker frame in the stack; code ${thrown.exitCode}`,
  );

  const between = (l: L.Lifecycle, a: string, b: string): number => (L.find(l, b)?.at ?? NaN) - (L.find(l, a)?.at ?? NaN);
  const killMs = between(killed, 'terminate()', 'exit');
  const done = L.find(killed, 'last message') !== undefined;
  ctx.check(
    'terminate() stops a busy worker mid-work',
    killed.exitCode === 1 && !done && killMs < o.lifetime / 2,
    `code ${killed.exitCode} after ${L.shortMs(killMs)}, work ${done ? 'done' : 'undone'}`,
  );

  const oomOk = oom.error?.code === 'ERR_WORKER_OUT_OF_MEMORY' && oom.exitCode === 1 && probe.exitCode === 0 && hoard.length > 0;
  ctx.check(
    'OOM ends the worker, not the parent',
    oomOk,
    oomOk ? `${oom.error?.code}, exit code 1` : `${oom.error?.code ?? 'no error code'}, exit ${oom.exitCode}; probe ${probe.exitCode}`,
  );
  ctx.note(
    `The thrown error's stack names ${file}; terminate() ended the busy worker ${ms(killMs)} after it was called ` +
      `(limit ${ms(o.lifetime / 2)}, half its ${ms(o.lifetime)} of work), and its work never reported done. ` +
      `The out-of-memory worker failed ${ms(between(oom, 'created', 'error'))} after it was created; then this ` +
      `process held 32 MiB (twice the worker's heap limit) and a fresh worker ran and exited with ${probe.exitCode}.`,
  );
  return { unrefd };
}
