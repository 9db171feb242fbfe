/**
 * Lives of processes: four children forked at once (two that end by
 * themselves with exit codes 0 and 3, one stopped with SIGTERM, which it
 * handles, one with SIGKILL, which nothing can handle), and a daemon started
 * in a session of its own by a launcher that exits at once. Each child's
 * fork, ready (its first IPC message), the signal sent and its exit are
 * timed on one clock and drawn on a timeline.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { LabContext } from '../../src/core/lab.js';
import type { TimelineChart } from '../../src/core/report.js';
import { epochNow, isLaunched, isReady, type Launched, type LifeMessage, type LifeMode } from './messages.js';
import { cmdline, liveness, procStat } from './procfs.js';

export const LIFE_CHILD = new URL('./life.child.js', import.meta.url);
const LAUNCHER = new URL('./daemon.launcher.child.js', import.meta.url);

export interface Lane {
  name: string;
  mode: LifeMode;
  /** For mode 'exit': the exit code it ends with. */
  code?: number;
  /** For mode 'work': the signal the lab sends. */
  signal?: 'SIGTERM' | 'SIGKILL';
}

export const LANES: readonly Lane[] = [
  { name: 'exits 0', mode: 'exit', code: 0 },
  { name: 'exits 3', mode: 'exit', code: 3 },
  { name: 'SIGTERM', mode: 'work', signal: 'SIGTERM' },
  { name: 'SIGKILL', mode: 'work', signal: 'SIGKILL' },
];

export interface Life {
  lane: Lane;
  pid: number;
  forkAt: number;
  readyAt: number | null;
  /** When each item was done (child's clock, comparable). */
  items: number[];
  signalAt: number | null;
  /** Set when a SIGTERM went unheeded and the lab had to send SIGKILL. */
  escalatedAt: number | null;
  lastWords: { finished: number; at: number } | null;
  exitAt: number;
  code: number | null;
  signal: string | null;
}

export interface Daemon {
  pidFile: string;
  pid: number;
  launcher: number;
  launchedAt: number;
  launcherExitAt: number;
  launcherCode: number | string;
  /** As found after the launcher exited. */
  session: number | null;
  ppid: number | null;
  alive: boolean;
}

export interface LifecyclesOptions {
  itemMs: number;
  /** Directory for the daemon's pid file. */
  dir: string;
  /** The daemon ends itself after this long whatever happens, ms. */
  daemonLifeMs: number;
  /** The seams for the checks' fault tests: the children's entry file, the launcher's, the lanes. */
  child?: URL;
  launcher?: URL;
  lanes?: readonly Lane[];
}

export interface LifecyclesResult {
  pids: number[];
  daemon: Daemon;
}

/** Bound on each wait: far above what each step takes. */
const BOUND_MS = 15_000;
/** Items a child does before it is signalled, or before it exits. */
const ITEMS = 2;

/** The daemon's teardown: whatever pid its file (or its launcher) gave, if it is still the daemon. */
export function killDaemon(pidFile: string, known: number | null): void {
  let pid = known;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim()) || known;
  } catch {
    /* no file: it stopped cleanly, or never started */
  }
  if (pid && liveness(pid) === 'alive' && (cmdline(pid) === '' || cmdline(pid).includes('daemon.js'))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  rmSync(pidFile, { force: true });
}

async function runLane(ctx: LabContext<unknown>, lane: Lane, o: LifecyclesOptions): Promise<Life> {
  const forkAt = epochNow();
  const child = ctx.fork(o.child ?? LIFE_CHILD, [lane.mode, String(o.itemMs), String(ITEMS), String(lane.code ?? 0)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const life: Life = {
    lane,
    pid: child.pid ?? -1,
    forkAt,
    readyAt: null,
    items: [],
    signalAt: null,
    escalatedAt: null,
    lastWords: null,
    exitAt: NaN,
    code: null,
    signal: null,
  };
  child.on('message', (m: LifeMessage) => {
    if (m.type === 'ready') life.readyAt = m.at;
    else if (m.type === 'item') life.items.push(m.at);
    else if (m.type === 'bye') life.lastWords = { finished: m.finished, at: m.at };
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      life.exitAt = epochNow();
      life.code = code;
      life.signal = signal;
      resolve();
    }),
  );
  exited.catch(() => {});
  await ctx.nextMessage(child, BOUND_MS, `${lane.name}: ready`, isReady);
  if (lane.signal) {
    await ctx.nextMessage(child, BOUND_MS, `${lane.name}: item ${ITEMS}`, (m) => (m as LifeMessage).type === 'item' && life.items.length >= ITEMS);
    // Half an item later: the signal lands in the middle of the next one.
    await ctx.sleep(o.itemMs / 2);
    life.signalAt = epochNow();
    child.kill(lane.signal);
    // A child that ignores SIGTERM gets SIGKILL after ten items' time: nothing is left running.
    const grace = Math.max(1000, 10 * o.itemMs);
    const t = setTimeout(() => {
      life.escalatedAt = epochNow();
      child.kill('SIGKILL');
    }, grace);
    await ctx.withTimeout(exited, BOUND_MS, `${lane.name}: exit`).finally(() => clearTimeout(t));
  } else await ctx.withTimeout(exited, BOUND_MS, `${lane.name}: exit`);
  return life;
}

async function launchDaemon(ctx: LabContext<unknown>, o: LifecyclesOptions): Promise<Daemon> {
  const pidFile = path.join(o.dir, 'daemon.pid');
  let known: number | null = null;
  // Registered before the launch: on a throw, --timeout or Ctrl-C the daemon goes too.
  ctx.defer(() => killDaemon(pidFile, known));
  const launcher = ctx.fork(o.launcher ?? LAUNCHER, [pidFile, String(o.daemonLifeMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exit = ctx.waitForExit(launcher, BOUND_MS, 'the launcher');
  exit.catch(() => {});
  const launched = await ctx.nextMessage<Launched>(launcher, BOUND_MS, 'the daemon launched', isLaunched);
  known = launched.daemon;
  const launcherCode = await exit;
  const launcherExitAt = epochNow();
  const stat = procStat(launched.daemon);
  return {
    pidFile,
    pid: launched.daemon,
    launcher: launched.launcher,
    launchedAt: launched.at,
    launcherExitAt,
    launcherCode,
    session: stat?.session ?? null,
    ppid: stat?.ppid ?? null,
    alive: liveness(launched.daemon) === 'alive',
  };
}

export async function lifecycles(ctx: LabContext<unknown>, o: LifecyclesOptions): Promise<LifecyclesResult> {
  ctx.progress('lifecycles: a daemon, and four children');
  const daemon = await launchDaemon(ctx, o);
  const lives = await Promise.all((o.lanes ?? LANES).map((lane) => runLane(ctx, lane, o)));

  const t0 = Math.min(...lives.map((l) => l.forkAt));
  ctx.chart(timelineOf(lives, daemon, t0));
  const ms = (t: number | null): number | null => (t === null || !Number.isFinite(t) ? null : Math.round((t - t0) * 10) / 10);
  ctx.table({
    title: 'Lives of four children (ms after the first fork)',
    columns: [
      { key: 'lane', label: 'child', align: 'left' },
      { key: 'pid', label: 'pid', align: 'right' },
      { key: 'ready', label: 'ready', unit: 'ms' },
      { key: 'signalled', label: 'signalled', unit: 'ms' },
      { key: 'exit', label: 'exit', unit: 'ms' },
      { key: 'ended', label: 'ended by', align: 'left' },
      { key: 'items', label: 'items done' },
      { key: 'words', label: 'last words', align: 'left' },
    ],
    rows: lives.map((l) => ({
      lane: l.lane.name,
      pid: String(l.pid), // an identifier, not a quantity: no thousands separator
      ready: ms(l.readyAt),
      signalled: ms(l.signalAt),
      exit: ms(l.exitAt),
      ended: l.signal ?? `code ${l.code}`,
      items: l.items.length,
      words: l.lastWords ? `finished item ${l.lastWords.finished}` : '–',
    })),
    note:
      `ready = its first IPC message; items of ${o.itemMs} ms each. The daemon (pid ${daemon.pid}) was started by a launcher ` +
      `(pid ${daemon.launcher}) that exited with ${daemon.launcherCode}; it is still running, and is stopped at the end of the lab.`,
  });

  const byName = (n: string): Life | undefined => lives.find((l) => l.lane.name === n);
  const ended = lives.filter((l) => l.lane.mode === 'exit');
  const wrongEnd = ended.filter((l) => l.code !== l.lane.code || l.signal !== null || l.readyAt === null);
  ctx.check(
    "a child's own exit code reaches the parent",
    wrongEnd.length === 0,
    `codes ${ended.map((l) => l.code ?? l.signal).join(' and ')}, set ${ended.map((l) => l.lane.code).join(' and ')}`,
  );
  const term = byName('SIGTERM');
  const after = (l: Life | undefined): number => (l?.signalAt ? l.items.filter((t) => t > (l.signalAt as number)).length : NaN);
  ctx.check(
    'SIGTERM: it finishes its item, exits 0',
    !!term && term.code === 0 && term.signal === null && !term.escalatedAt && term.lastWords?.finished === term.items.length && after(term) <= 1,
    !term
      ? 'no such lane'
      : term.escalatedAt
        ? `ignored: SIGKILL after ${after(term)} items`
        : `said "${term.lastWords ? `finished item ${term.lastWords.finished}` : 'nothing'}", code ${term.code}`,
  );
  const kill = byName('SIGKILL');
  ctx.check(
    'SIGKILL: dies at once, last words lost',
    !!kill && kill.signal === 'SIGKILL' && kill.code === null && kill.lastWords === null && after(kill) <= 1,
    !kill ? 'no such lane' : `${kill.signal ? `signal ${kill.signal}` : `code ${kill.code}`}, ${kill.lastWords ? 'it spoke' : 'nothing said'}`,
  );
  const ownSession = daemon.session === daemon.pid;
  ctx.check(
    'daemon: own session, outlives its launcher',
    daemon.alive && daemon.launcherCode === 0 && (daemon.session === null || (ownSession && daemon.ppid !== daemon.launcher)),
    daemon.session === null
      ? `alive: ${daemon.alive} (no /proc here)`
      : `${ownSession ? 'sid = pid' : `sid ${daemon.session}, pid`} ${daemon.pid}, parent ${daemon.ppid}`,
  );
  ctx.output(
    'exits',
    Object.fromEntries(lives.map((l) => [l.lane.name, l.signal ?? l.code])),
  );
  return { pids: [daemon.launcher, daemon.pid, ...lives.map((l) => l.pid)], daemon };
}

/** Lanes of states between the events; the daemon's lane runs on past the chart's end. */
export function timelineOf(lives: readonly Life[], d: Daemon, t0: number): TimelineChart {
  const r = (t: number): number => Math.round((t - t0) * 10) / 10;
  const end = r(Math.max(...lives.map((l) => l.exitAt).filter(Number.isFinite)));
  const lanes: TimelineChart['lanes'] = lives.map((l) => {
    const ready = l.readyAt ?? l.exitAt;
    const stop = l.signalAt ?? l.exitAt;
    const segs = [
      { start: r(l.forkAt), end: r(ready), state: 'starting' },
      { start: r(ready), end: r(stop), state: 'working' },
      ...(l.signalAt ? [{ start: r(l.signalAt), end: r(l.exitAt), state: 'stopping' }] : []),
      { start: r(l.exitAt), end, state: 'exited' },
    ];
    return { name: l.lane.name, segments: segs.filter((s) => s.end > s.start) };
  });
  lanes.push({ name: 'daemon', segments: [{ start: 0, end, state: 'daemon' }] });
  return {
    type: 'timeline',
    title: 'Lives: fork, ready, work, signal, exit (| marks each)',
    unit: 'ms',
    start: 0,
    end,
    states: { starting: '░', working: '█', stopping: '▒', exited: '·', daemon: '▓' },
    lanes,
    events: lives.flatMap((l) => [
      { lane: l.lane.name, at: r(l.forkAt), label: 'fork' },
      ...(l.readyAt ? [{ lane: l.lane.name, at: r(l.readyAt), label: 'ready' }] : []),
      ...(l.signalAt ? [{ lane: l.lane.name, at: r(l.signalAt), label: l.lane.signal ?? 'signal' }] : []),
      { lane: l.lane.name, at: r(l.exitAt), label: `exit ${l.signal ?? l.code}` },
    ]),
  };
}
