/**
 * The top of a main module, in a child process of each kind: a CommonJS one
 * (top-level-cjs.cjs) and an ES module one (top-level-esm.mjs) run the same
 * scheduling code at their own top level and report the order. A CommonJS
 * module body runs as a plain call, so process.nextTick goes first; an ES
 * module body is evaluated from inside a promise job, so the promise
 * reactions it queues run before its nextTick. Each child is run many times:
 * setTimeout(0) against setImmediate from the main module is a race.
 */
import type { LabContext } from '../../src/core/lab.js';
import { createLimiter, mapLimit } from '../../src/workloads/limiter.js';
import { modalOrder, ranBefore } from './order-rules.js';
import { isTopLevelMessage, type Label, type TopLevelMessage } from './schedule.cjs';

export type ModuleKind = TopLevelMessage['module'];
const KINDS: readonly ModuleKind[] = ['commonjs', 'module'];
const KIND_LABEL: Record<ModuleKind, string> = { commonjs: 'CommonJS (.cjs)', module: 'ES module (.mjs)' };

export interface ChildrenOptions {
  /** Runs of each child. */
  runs: number;
  /** The child files: the seam a fault test replaces (e.g. a CommonJS file posing as the ES module). */
  children?: Record<ModuleKind, URL>;
}

export interface TopLevelOptions extends ChildrenOptions {
  /** Traces scheduled inside an I/O callback in this thread, for the race table's contrast row. */
  ioTraces?: readonly (readonly Label[])[];
  /** The children's reports, when startChildren began them earlier; otherwise they are run here. */
  started?: Promise<ByKind>;
}

export type ByKind = Record<ModuleKind, TopLevelMessage[]>;

const CHILDREN: Record<ModuleKind, URL> = {
  commonjs: new URL('./top-level-cjs.cjs', import.meta.url),
  module: new URL('./top-level-esm.mjs', import.meta.url),
};
/** Bounds on one child: start-up on a loaded machine can take a second or two. */
const REPLY_MS = 15_000;
const EXIT_MS = 5000;
/** Children started at once. */
const AT_ONCE = 2;

const MICRO: readonly Label[] = ['nextTick', 'promise', 'queueMicrotask'];
const micro = (order: readonly Label[]): Label[] => order.filter((l) => MICRO.includes(l));

async function runChild(ctx: LabContext<unknown>, kind: ModuleKind, file: URL, i: number): Promise<TopLevelMessage> {
  const child = ctx.fork(file, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const msg = await ctx.nextMessage<TopLevelMessage>(child, REPLY_MS, `the ${kind} child's order (run ${i + 1})`, isTopLevelMessage);
    await ctx.waitForExit(child, EXIT_MS, `the ${kind} child to exit`);
    return msg;
  } catch (e) {
    const first = stderr.split('\n').find((l) => /Error/.test(l));
    throw first ? new Error(`${(e as Error).message}: ${first.trim()}`) : e;
  }
}

/**
 * Run each child `runs` times (tracked, AT_ONCE at a time) and collect what
 * they report; records nothing. The lab starts them early: they spend their
 * time starting up Node in processes of their own, while this thread goes on.
 */
export function startChildren(ctx: LabContext<unknown>, o: ChildrenOptions): Promise<ByKind> {
  const files = o.children ?? CHILDREN;
  const limiter = createLimiter(AT_ONCE, ctx.signal);
  const jobs = KINDS.flatMap((kind) => Array.from({ length: o.runs }, (_, i) => ({ kind, i })));
  const done = mapLimit(jobs, limiter, async ({ kind, i }) => ({ kind, m: await runChild(ctx, kind, files[kind], i) })).then((msgs) => {
    const by: ByKind = { commonjs: [], module: [] };
    for (const { kind, m } of msgs) by[kind].push(m);
    return by;
  });
  // Awaited later: a failure meanwhile is not an unhandled rejection.
  done.catch(() => {});
  return done;
}

export async function topLevelOrder(ctx: LabContext<unknown>, o: TopLevelOptions): Promise<ByKind> {
  ctx.progress('top-level order in child processes');
  const by = await (o.started ?? startChildren(ctx, o));

  ctx.table({
    title: 'Top of the main module, in a child process of each kind',
    columns: [
      { key: 'kind', label: 'module' },
      { key: 'order', label: 'microtasks ran in this order' },
      { key: 'same', label: 'runs alike', align: 'right' },
    ],
    rows: KINDS.map((kind) => {
      const { order, count } = modalOrder(by[kind].map((m) => micro(m.order)));
      return { kind: KIND_LABEL[kind], order: order.join(', '), same: `${count}/${by[kind].length}` };
    }),
    note: 'each child schedules a promise reaction, queueMicrotask, then process.nextTick, at its top level',
  });
  for (const kind of KINDS) ctx.output(`order.toplevel.${kind}`, modalOrder(by[kind].map((m) => micro(m.order))).order);

  const split = (traces: readonly (readonly Label[])[]): { timeout: number; immediate: number } => ({
    timeout: traces.filter((t) => ranBefore(t, 'setTimeout', 'setImmediate')).length,
    immediate: traces.filter((t) => ranBefore(t, 'setImmediate', 'setTimeout')).length,
  });
  const rows = KINDS.map((kind) => ({ from: `main module, ${kind === 'commonjs' ? 'CommonJS' : 'ES module'}`, runs: by[kind].length, ...split(by[kind].map((m) => m.order)) }));
  if (o.ioTraces?.length) rows.push({ from: 'an I/O callback, this thread', runs: o.ioTraces.length, ...split(o.ioTraces) });
  ctx.table({
    title: 'setTimeout(0) against setImmediate: which ran first',
    columns: [
      { key: 'from', label: 'scheduled from' },
      { key: 'runs', label: 'runs' },
      { key: 'timeout', label: 'timeout first' },
      { key: 'immediate', label: 'immediate first' },
    ],
    rows,
    note:
      'From the main module the 1 ms timer is due or not by the time the loop first reaches its timers phase: ' +
      'a race with start-up time, so no order is promised. From an I/O callback the check phase always comes first.',
  });

  // The check: each child's own order, run by run, and that it is what it says it is.
  const bad: string[] = [];
  for (const kind of KINDS) {
    for (const [i, m] of by[kind].entries()) {
      if (m.module !== kind) bad.push(`${kind} run ${i + 1}: the child ran as ${m.module}`);
      const tickFirst = MICRO.slice(1).every((l) => ranBefore(m.order, 'nextTick', l));
      const promisesFirst = MICRO.slice(1).every((l) => ranBefore(m.order, l, 'nextTick'));
      if (kind === 'commonjs' ? !tickFirst : !promisesFirst) bad.push(`${kind} run ${i + 1}: ${micro(m.order).join(', ')}`);
    }
  }
  ctx.check(
    'top level: CJS nextTick first, ESM promises first',
    bad.length === 0,
    bad.length ? bad.slice(0, 2).join('; ') : `${by.commonjs.length} + ${by.module.length} child runs`,
  );
  return by;
}
