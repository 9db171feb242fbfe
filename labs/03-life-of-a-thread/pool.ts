/**
 * The libuv thread pool: crypto.pbkdf2, fs, dns.lookup and zlib run on a
 * fixed pool of UV_THREADPOOL_SIZE threads, so k calls queued at once finish
 * in waves of pool-size calls. Each pool size runs in its own child process,
 * because libuv reads UV_THREADPOOL_SIZE once, when its pool starts.
 */
import { pbkdf2Sync } from 'node:crypto';
import type { LabContext } from '../../src/core/lab.js';
import type { PoolReport } from './messages.js';

const POOL_CHILD_URL = new URL('./pool.child.js', import.meta.url);

/** One child's run, with its waves counted. */
export interface PoolRun extends PoolReport {
  /** Size of each wave, in completion order. */
  waves: number[];
  /** When the last call completed, ms after all were queued. */
  doneMs: number;
  /** Share of the machine's CPU time that other processes used meanwhile (0..1); null where /proc/stat is absent. */
  othersShare: number | null;
}

/**
 * Above this share of the machine's CPU taken by other processes during a
 * round, the round cannot show waves: the pool threads did not have the cores
 * (an idle machine measures a few percent at most). Such rounds are left out
 * of the wave check, and said so; a busy machine makes it a skip, not a pass.
 */
export const BUSY_SHARE = 0.1;

export const isQuiet = (r: PoolRun): boolean => r.othersShare === null || r.othersShare < BUSY_SHARE;

/**
 * Group completion times into waves: sorted, a gap longer than gapMs between
 * two consecutive completions starts a new wave. Returns the size of each wave.
 */
export function countWaves(times: readonly number[], gapMs: number): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  const waves: number[] = [];
  let prev = -Infinity;
  for (const t of sorted) {
    if (waves.length === 0 || t - prev > gapMs) waves.push(1);
    else waves[waves.length - 1] = (waves[waves.length - 1] as number) + 1;
    prev = t;
  }
  return waves;
}

/**
 * The tolerance on the wave count. With no more pool threads than cores each
 * call has a core to itself, the calls of a wave finish together and waves
 * are a whole call apart: the count must be exact. With more threads than
 * cores, a wave's calls share the cores and the scheduler finishes them
 * unevenly; the next wave's calls start as early ones finish, so waves can
 * smear into each other or split: ±1. Even with a core per thread, one
 * thread may run slower (a vCPU the host shares) and drift half a call
 * behind, splitting one wave in one round (seen here: 5, 4, 4 for ceil(8/2)
 * with no other load): the verdict takes the median over rounds, and is
 * exact only with at least 3 rounds to take it from (±1 otherwise, e.g. in
 * --quick with its single round).
 */
export function waveTolerance(poolSize: number, cores: number, rounds = 3): number {
  return poolSize > cores || rounds < 3 ? 1 : 0;
}

/** pbkdf2 iterations for one call to take about targetMs on this machine (timed on this thread). */
export function calibrateIterations(targetMs: number): number {
  const probe = 10_000; // ~5 ms a call: long enough for the clock, short enough to repeat
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    pbkdf2Sync('conc', 'lab-3', probe, 32, 'sha512');
    best = Math.min(best, performance.now() - t0);
  }
  return Math.max(1, Math.round((probe * targetMs) / Math.max(best, 1e-3)));
}

/**
 * Run k concurrent pbkdf2 calls in a fresh child with UV_THREADPOOL_SIZE=poolSize,
 * and count its waves: a gap longer than half a call alone (measured in that child) starts one.
 */
export async function runPool(
  ctx: LabContext<unknown>,
  poolSize: number,
  tasks: number,
  iterations: number,
  timeoutMs: number,
): Promise<PoolRun> {
  const rep = await runPoolChild(ctx, poolSize, tasks, iterations, timeoutMs);
  if (rep.poolSize !== poolSize) throw new Error(`pool child ran with UV_THREADPOOL_SIZE=${rep.poolSize}, asked for ${poolSize}`);
  const doneMs = Math.max(...rep.completions);
  const othersShare = rep.othersCpuMs === null ? null : Math.min(1, rep.othersCpuMs / (doneMs * rep.cpus));
  return { ...rep, waves: countWaves(rep.completions, rep.singleMs / 2), doneMs, othersShare };
}

async function runPoolChild(
  ctx: LabContext<unknown>,
  poolSize: number,
  tasks: number,
  iterations: number,
  timeoutMs: number,
): Promise<PoolReport> {
  const child = ctx.fork(POOL_CHILD_URL, [String(tasks), String(iterations)], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(poolSize) },
  });
  const exit = ctx.waitForExit(child, timeoutMs, `pool child (size ${poolSize})`);
  exit.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const report = await ctx.nextMessage<PoolReport>(child, timeoutMs, `pool child (size ${poolSize})`);
  await exit;
  return report;
}

export interface PoolRow {
  poolSize: number;
  runs: PoolRun[];
  expected: number;
  tolerance: number;
}

export const sharePct = (x: PoolRun): string => (x.othersShare === null ? '?' : `${Math.round(x.othersShare * 100)}%`);

/**
 * A round slower than this many times the model's duration is left out: its
 * pool threads did not get the cores the model gives them (a vCPU the host
 * shares runs a thread slow, with no other load visible in the guest), and
 * a slow thread drifts behind and splits waves (seen here: 4, 5, 6 waves for
 * ceil(8/2) with rounds 1.0x, 1.2x and 1.3x the model).
 */
export const SLOW_ROUND = 1.15;

/** Calls' time the batch should take: ceil(k/n) waves, each n/cores calls long when n > cores. */
export const modelCalls = (n: number, tasks: number, cores: number): number =>
  Math.ceil(tasks / n) * Math.max(1, Math.min(n, tasks) / cores);

/**
 * Slowed, not wrong: the batch took over SLOW_ROUND x the model while the pool
 * kept its min(n, cores) cores busy (CPU time over wall time). A pool that
 * really ran fewer threads is slow with fewer cores busy, and is still checked.
 */
const isSlow = (x: PoolRun, n: number, tasks: number, cores: number): boolean =>
  x.doneMs / x.singleMs > SLOW_ROUND * modelCalls(n, tasks, cores) && x.ownCpuMs / x.doneMs >= 0.8 * Math.min(n, tasks, cores);

/** The rounds a wave count can be read from: no other load, and the pool got its cores. */
export function usableRounds(runs: readonly PoolRun[], n: number, tasks: number, cores: number): PoolRun[] {
  return runs.filter((x) => isQuiet(x) && !isSlow(x, n, tasks, cores));
}

/** The wave check of one pool size over its usable rounds; a skip (with the measurements) when there is none. */
export function waveVerdict(row: PoolRow, tasks: number, cores: number): { name: string; ok: boolean; detail: string; skip?: string } {
  const { poolSize: n, runs, expected, tolerance } = row;
  const name = `waves for pool size ${n}: ceil(${tasks}/${n}) = ${expected}${tolerance ? ` ±${tolerance}` : ''}`;
  const model = modelCalls(n, tasks, cores);
  const busy = runs.filter((x) => !isQuiet(x));
  const slow = runs.filter((x) => isQuiet(x) && isSlow(x, n, tasks, cores));
  const quiet = usableRounds(runs, n, tasks, cores);
  const callsOf = (xs: PoolRun[]): string => xs.map((x) => (x.doneMs / x.singleMs).toFixed(1)).join(', ');
  if (quiet.length === 0) {
    const skip = busy.length
      ? `other processes used ${busy.map(sharePct).join(', ')} of the CPU during the calls (limit ${BUSY_SHARE * 100}%): ` +
        'the pool threads did not have the cores, so waves cannot show'
      : `in every round the pool threads got less than the cores: all done after ${callsOf(slow)} calls' time against ` +
        `${model.toFixed(1)} (limit ${SLOW_ROUND}x), so a slowed thread drifts and its waves cannot be counted`;
    return { name, ok: false, detail: '', skip };
  }
  const counts = quiet.map((x) => x.waves.length);
  const half = quiet.map((x) => x.singleMs / 2).sort((a, b) => a - b)[Math.floor(quiet.length / 2)] ?? NaN;
  const detail =
    `waves per round: ${counts.join(', ')} (sizes ${quiet.map((x) => x.waves.join('+')).join('; ')}); ` +
    `a gap > half a call alone (${half.toFixed(1)} ms) starts a wave; ` +
    (!tolerance
      ? `${n} threads <= ${cores} cores and ${quiet.length} rounds, so exact`
      : n > cores
        ? `${n} threads > ${cores} cores share them, so ±${tolerance}`
        : `only ${quiet.length} usable round(s) to take the median of, so ±${tolerance}`) +
    `; all done after ${callsOf(quiet)} calls' time ` +
    `(ceil(k/n) x max(1, min(n, k)/cores) = ${model.toFixed(1)})` +
    (busy.length ? `; ${busy.length} busy round(s) left out (others' CPU ${busy.map(sharePct).join(', ')})` : '') +
    (slow.length ? `; ${slow.length} slow round(s) left out (all done after ${callsOf(slow)} calls' time, over ${SLOW_ROUND}x the model)` : '');
  // The median round: one round whose slow thread split a wave does not decide alone.
  const mid = [...counts].sort((a, b) => a - b)[Math.floor((counts.length - 1) / 2)] ?? NaN;
  if (n > cores)
    // More pool threads than cores time-slice them: a wave's calls finish spread over
    // n/cores calls' time and run into the next wave (seen here: 1+1+3+3 for ceil(8/4) = 2
    // on 2 cores), so this machine cannot show the waves apart. Said, with the figures.
    return {
      name,
      ok: false,
      detail: '',
      skip: `${n} pool threads share ${cores} cores, so their waves blur into each other and cannot be counted here (median ${mid}; ${detail}); a machine with ${n} or more cores shows them`,
    };
  return { name, ok: Math.abs(mid - expected) <= tolerance, detail: `median ${mid} of ${detail}` };
}
