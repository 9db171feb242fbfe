/**
 * The end of the lab: the daemon is found by its pid file and stopped with
 * SIGTERM, and then every process the lab started is verified gone:
 * kill(pid, 0) must answer ESRCH (a zombie, dead but not yet reaped by the
 * parent it was handed to, is reported as such), and no process in /proc
 * may still carry this run's mark in its environment (which also finds
 * processes the lab never heard of, such as a daemon's own children).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { LabContext } from '../../src/core/lab.js';
import type { Daemon } from './lifecycles.js';
import { findMarked, liveness, type Liveness } from './procfs.js';

/** How long a stopped process may take to be gone, ms. */
const GONE_MS = 3000;

async function waitGone(ctx: LabContext<unknown>, pids: readonly number[], ms: number): Promise<Map<number, Liveness>> {
  const t0 = Date.now();
  let state = new Map(pids.map((p) => [p, liveness(p)]));
  while ([...state.values()].includes('alive') && Date.now() - t0 < ms) {
    await ctx.sleep(20);
    state = new Map(pids.map((p) => [p, liveness(p)]));
  }
  return state;
}

/** The default way to stop the daemon: SIGTERM (the seam for the fault test: a stopper that does nothing). */
export const sigterm = (pid: number): void => {
  process.kill(pid, 'SIGTERM');
};

export async function stopDaemon(ctx: LabContext<unknown>, d: Daemon, stop: (pid: number) => void = sigterm): Promise<void> {
  ctx.progress('the end: stopping the daemon');
  let found: number | null = null;
  try {
    found = Number(readFileSync(d.pidFile, 'utf8').trim()) || null;
  } catch {
    /* no pid file */
  }
  const alive = found !== null && liveness(found) === 'alive';
  if (alive) stop(found as number);
  const state = alive ? (await waitGone(ctx, [found as number], GONE_MS)).get(found as number) : null;
  const fileGone = !existsSync(d.pidFile);
  ctx.check(
    'daemon found by pid file, stops on SIGTERM',
    found === d.pid && alive && state !== 'alive' && fileGone,
    found === null
      ? 'no pid file'
      : `pid ${found} ${state === 'alive' ? `runs ${GONE_MS / 1000} s on` : state ? 'ended' : 'not running'}, file ${fileGone ? 'removed' : 'left'}`,
  );
}

export async function noSurvivors(ctx: LabContext<unknown>, o: { pids: readonly number[]; mark: { name: string; value: string } }): Promise<void> {
  ctx.progress('the end: every pid gone?');
  const pids = [...new Set(o.pids.filter((p) => p > 0))];
  const state = await waitGone(ctx, pids, GONE_MS);
  const alive = pids.filter((p) => state.get(p) === 'alive');
  const zombies = pids.filter((p) => state.get(p) === 'zombie');
  const marked = findMarked(o.mark.name, o.mark.value);
  const strays = (marked ?? []).filter((p) => p !== process.pid && !pids.includes(p) && liveness(p) === 'alive');
  ctx.check(
    'every pid the lab started is gone',
    alive.length === 0 && strays.length === 0 && pids.length > 0,
    alive.length || strays.length
      ? `alive: ${[...alive, ...strays].join(', ')}`.slice(0, 36)
      : `${pids.length - zombies.length} ESRCH` +
          (zombies.length ? ` + ${zombies.length} zombie` : '') +
          (marked === null ? '' : ', none in /proc'),
  );
  ctx.output('pids gone', alive.length === 0 && strays.length === 0);
}
