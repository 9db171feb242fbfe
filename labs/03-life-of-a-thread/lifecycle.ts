/**
 * The mechanics of the lifecycles: each scenario starts one worker (or, for
 * unref, a child process holding one), records every event as it arrives with
 * the time on the shared clock and the thread id, and keeps the error and exit
 * code. Pure pieces (the order, the stack frame, the timeline) are here too.
 */
import type { ResourceLimits } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import { fmtNum } from '../../src/render/format.js';
import type { TimelineChart } from '../../src/core/report.js';
import { clockMs, type LifecycleData, type ParentMsg, type UnrefReport, type WorkerMsg } from './messages.js';

export const WORKER_URL = new URL('./lifecycle.worker.js', import.meta.url);
export const UNREF_CHILD_URL = new URL('./unref.child.js', import.meta.url);
/** The bound on any one worker or child of this lab: far above what each should take. */
export const WAIT_MS = 30_000;

/** A time, short, for a check's line (which must fit 80 columns): 119 ms, 1.2 s. */
export const shortMs = (ms: number): string => (ms < 1000 ? `${fmtNum(Math.round(ms))} ms` : `${fmtNum(ms / 1000, 2)} s`);

export interface LifeEvent {
  lane: string;
  event: string;
  /** Shared clock (clockMs), ms. */
  at: number;
  threadId: number | null;
  detail?: string;
}

export interface Lifecycle {
  lane: string;
  /** In the order they arrived here. */
  events: LifeEvent[];
  /** The legal order of event names for this scenario. */
  legal: string[];
  exitCode: number | string | null;
  error?: { message: string; stack: string; code?: string };
}

export interface Scenario {
  lane: string;
  data: LifecycleData;
  legal: string[];
  resourceLimits?: ResourceLimits;
  /** Call terminate() this long after the worker's hello. */
  terminateAfterMs?: number;
}

const STARTED = ['created', 'online', 'first message'];

/** The four in-process scenarios; `lifetimeMs` is how long the terminated worker would otherwise spin. */
export function scenarios(lifetimeMs: number): Scenario[] {
  return [
    { lane: 'normal', data: { mode: 'normal', workMs: 20, go: true }, legal: [...STARTED, 'last message', 'exit'] },
    { lane: 'throws', data: { mode: 'throw', workMs: 20, go: true }, legal: [...STARTED, 'error', 'exit'] },
    {
      lane: 'terminated',
      data: { mode: 'busy', workMs: lifetimeMs, go: true },
      terminateAfterMs: 30,
      legal: [...STARTED, 'terminate()', 'exit'],
    },
    {
      lane: 'out of memory',
      data: { mode: 'oom', workMs: 0, go: true },
      // A young generation this small too, so the heap fills in well under a second.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      legal: [...STARTED, 'error', 'exit'],
    },
  ];
}

export async function runWorkerLifecycle(
  ctx: LabContext<unknown>,
  s: Scenario,
  timeoutMs: number,
  worker: URL = WORKER_URL,
): Promise<Lifecycle> {
  const life: Lifecycle = { lane: s.lane, events: [], legal: s.legal, exitCode: null };
  const rec = (event: string, threadId: number | null, detail?: string): void => {
    life.events.push({ lane: s.lane, event, at: clockMs(), threadId, ...(detail ? { detail } : {}) });
  };
  const createdAt = clockMs();
  const w = ctx.worker(worker, { workerData: s.data, ...(s.resourceLimits ? { resourceLimits: s.resourceLimits } : {}) });
  // threadId is known as soon as the constructor returns, and reads -1 once the thread is gone.
  const tid = w.threadId;
  life.events.push({ lane: s.lane, event: 'created', at: createdAt, threadId: tid });
  let killTimer: NodeJS.Timeout | undefined;
  w.on('online', () => rec('online', tid));
  w.on('message', (m: WorkerMsg) => {
    if (m.type === 'hello') {
      rec('first message', m.threadId, `threadId inside the worker: ${m.threadId}`);
      // The worker waits for this before it works, throws or fails: its later events follow the hello here.
      if (s.data.go) w.postMessage({ type: 'go' } satisfies ParentMsg);
      if (s.terminateAfterMs !== undefined)
        killTimer = setTimeout(() => {
          rec('terminate()', tid);
          void w.terminate();
        }, s.terminateAfterMs);
    } else rec('last message', m.threadId, 'work done');
  });
  w.on('error', (e: Error & { code?: string }) => {
    life.error = { message: e.message, stack: e.stack ?? '', ...(e.code ? { code: e.code } : {}) };
    rec('error', tid, e.code ? `${e.code}: ${e.message}` : e.message);
  });
  const exited = new Promise<number>((resolve) =>
    w.once('exit', (code: number) => {
      rec('exit', tid, `code ${code}`);
      resolve(code);
    }),
  );
  try {
    life.exitCode = await ctx.withTimeout(exited, timeoutMs, `the ${s.lane} worker's exit`);
  } finally {
    clearTimeout(killTimer);
  }
  return life;
}

/** A child process that starts a worker meant to live lifetimeMs, with (unref) or without (the control) worker.unref(). */
export async function runUnrefChild(
  ctx: LabContext<unknown>,
  lane: string,
  unref: boolean,
  lifetimeMs: number,
  timeoutMs: number,
  childUrl: URL = UNREF_CHILD_URL,
): Promise<Lifecycle> {
  const legal = ['fork()', ...STARTED, ...(unref ? ['unref()'] : []), 'process exit'];
  const life: Lifecycle = { lane, events: [], legal, exitCode: null };
  life.events.push({ lane, event: 'fork()', at: clockMs(), threadId: null });
  const child = ctx.fork(childUrl, [unref ? 'unref' : 'ref', String(lifetimeMs)]);
  child.on('message', (m: UnrefReport) => {
    for (const e of m.events) life.events.push({ lane, ...e, detail: e.detail ?? `in child pid ${m.pid}` });
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, sig) => {
      life.events.push({ lane, event: 'process exit', at: clockMs(), threadId: null, detail: sig ?? `code ${code}` });
      resolve(code ?? sig ?? 'unknown');
    }),
  );
  life.exitCode = await ctx.withTimeout(exited, timeoutMs, `the ${lane} child's exit`);
  return life;
}

export function find(life: Lifecycle, event: string): LifeEvent | undefined {
  return life.events.find((e) => e.event === event);
}

/**
 * Time of an event since its lane began: since new Worker() for a worker, since
 * fork() for the child's lane (whose worker is created later, in the child).
 * Every stamp is on one clock (clockMs), and the lane's first legal event comes
 * before all its others, so this is never negative unless the order is broken,
 * which orderProblem reports ("stamped early"). NaN when the lane has no start.
 */
export function sinceStart(life: Lifecycle, e: LifeEvent): number {
  const first = life.legal[0];
  const start = first === undefined ? undefined : find(life, first);
  return start ? e.at - start.at : NaN;
}

/**
 * Is the arrival order exactly the legal one? Returns the first problem, short
 * (it is a check's detail), or null.
 */
export function orderProblem(life: Lifecycle): string | null {
  const seen = life.events.map((e) => e.event);
  for (let i = 0; i < Math.max(seen.length, life.legal.length); i++) {
    const [got, due] = [seen[i], life.legal[i]];
    if (got === due) continue;
    if (got === undefined) return `${life.lane}: no ${due}`;
    return due === undefined ? `${life.lane}: ${got} after the end` : `${life.lane}: ${got}, not ${due}`;
  }
  for (let i = 1; i < life.events.length; i++) {
    const a = life.events[i - 1] as LifeEvent;
    const b = life.events[i] as LifeEvent;
    if (b.at < a.at) return `${life.lane}: ${b.event} stamped early`;
  }
  return null;
}

/** The frame of a stack that names the given file, with the directory cut off. */
export function frameNaming(stack: string, file: string): string | null {
  const line = stack.split('\n').find((l) => l.includes(file));
  return line ? line.trim().replace(/\(?file:\/\/\S*\//, '(') : null;
}

/** Where in the file the frame points: "lifecycle.worker.js:23:11". */
export function frameLocation(frame: string): string {
  return /([^\s(/]+:\d+:\d+)\)?$/.exec(frame)?.[1] ?? frame;
}

const STATE_OF: Record<string, string> = {
  created: 'starting',
  'fork()': 'starting',
  online: 'running',
  error: 'stopping',
  'terminate()': 'stopping',
  'unref()': "unref'd",
  exit: 'exited',
  'process exit': 'exited',
};

/** Lanes of state segments between events; after its exit a lane shows 'exited' to the end of the chart. */
export function timelineOf(lives: readonly Lifecycle[], t0: number): TimelineChart {
  const rel = (t: number): number => Math.round((t - t0) * 100) / 100;
  let end = 0;
  const lanes = lives.map((life) => {
    const segments: TimelineChart['lanes'][number]['segments'] = [];
    let state: string | null = null;
    let since = 0;
    for (const e of [...life.events].sort((a, b) => a.at - b.at)) {
      const next: string | null = STATE_OF[e.event] ?? state;
      if (next !== state) {
        if (state) segments.push({ start: since, end: rel(e.at), state });
        state = next;
        since = rel(e.at);
      }
      end = Math.max(end, rel(e.at));
    }
    return { name: life.lane, segments, last: state, since };
  });
  const drawn = lanes.map(({ name, segments, last, since }) => ({
    name,
    segments: last ? [...segments, { start: since, end: Math.max(end, since), state: last }] : segments,
  }));
  return {
    type: 'timeline',
    title: 'Worker lifecycles (one lane per worker; | marks an event)',
    unit: 'ms',
    start: 0,
    end,
    states: { starting: '░', running: '█', stopping: '▒', "unref'd": '▓', exited: '·' },
    lanes: drawn,
    events: lives.flatMap((l) => l.events.map((e) => ({ lane: l.lane, at: rel(e.at), label: e.event }))),
  };
}
