/**
 * Was the machine ours while we measured? A parallel speedup can only show
 * when the cores are free, and on a shared machine another process may take
 * one. That load is measured outside the lab: the CPU time all CPUs spent
 * busy (/proc/stat) less this process's own (all its threads, plus what its
 * child processes report), over the wall time, in cores.
 *
 * The rule (labs/README.md): a check on timing may be excused (skipped) only
 * by that outside figure, never by one derived from the lab's own threads
 * (their timings, the cores they seemed to get, the CPU their work cost),
 * because a bug that serialises the threads changes exactly those. A try
 * measured while others were busy is no evidence either way (load can hide a
 * speedup, and load on a baseline can fake one), unless it passed in a way
 * load cannot fake: it is measured again, a bounded number of times
 * (`untilQuiet`). The check is judged on the first try that counts, and
 * skipped, with the figures and the number of tries, only if none did.
 */
import { readFileSync } from 'node:fs';

/**
 * CPU time all CPUs have spent busy (user, nice, system, irq, softirq, steal)
 * since boot, ms, from the first line of a /proc/stat text; null if it has no
 * `cpu` line. The unit there is USER_HZ, which Linux fixes at 100 per second.
 * Steal counts as busy: it is time the hypervisor gave our vCPU to another guest.
 */
export function busyMsFromProcStat(text: string): number | null {
  const first = (text.split('\n')[0] ?? '').trim().split(/\s+/);
  if (first[0] !== 'cpu') return null;
  const f = first.slice(1).map(Number);
  if (f.length < 4 || f.some((x) => !Number.isFinite(x))) return null;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
}

/** busyMsFromProcStat of this machine's /proc/stat; null where there is none. */
export function machineBusyMs(): number | null {
  try {
    return busyMsFromProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Cores' worth of CPU that other processes used: (machine busy - our own CPU) / wall.
 * /proc/stat counts in 10 ms ticks, so over short spans this is coarse; sum
 * several samples before judging. Null when /proc/stat is absent.
 */
export function othersCores(machineBusyDeltaMs: number | null, ownCpuMs: number, wallMs: number): number | null {
  if (machineBusyDeltaMs === null || wallMs <= 0) return null;
  return Math.max(0, machineBusyDeltaMs - ownCpuMs) / wallMs;
}

/** At or above this many cores of others' load, a failed timing check is measured again, then skipped. */
export const BUSY_MACHINE_CORES = 0.3;
/** How many times a timing check that failed on a busy machine is measured in all. */
export const MAX_TRIES = 3;

/** What one span of measurement saw: the machine's busy time, ours, and the wall time. */
export interface LoadReading {
  /** Machine busy time over the span, ms; null without /proc/stat. */
  busyMs: number | null;
  /** This process's CPU (all threads) plus extra own CPU given to `end` (child processes), ms. */
  ownCpuMs: number;
  wallMs: number;
}

/** Start measuring others' load; `end` closes the span (add CPU your child processes reported). */
export function loadSpan(): { end(extraOwnCpuMs?: number): LoadReading } {
  const b0 = machineBusyMs();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    end(extra = 0) {
      const wallMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      const b1 = machineBusyMs();
      return { busyMs: b0 === null || b1 === null ? null : b1 - b0, ownCpuMs: (c.user + c.system) / 1000 + extra, wallMs };
    },
  };
}

/** Others' load in cores over several spans together (null if any span lacks /proc/stat). */
export function othersOver(readings: readonly LoadReading[]): number | null {
  if (readings.length === 0 || readings.some((r) => r.busyMs === null)) return null;
  const sum = (f: (r: LoadReading) => number): number => readings.reduce((a, r) => a + f(r), 0);
  return othersCores(sum((r) => r.busyMs as number), sum((r) => r.ownCpuMs), sum((r) => r.wallMs));
}

/**
 * One try's outcome: pass or fail when others' load stayed under `limit`
 * cores (or is unknown: nothing to excuse a miss with); busy when it did not,
 * unless the try passed and `trustBusyPass` says load could not have faked
 * that pass (it can only make the figure worse).
 */
export function judge(ok: boolean, others: number | null, limit = BUSY_MACHINE_CORES, trustBusyPass = false): 'pass' | 'fail' | 'busy' {
  const busy = others !== null && others >= limit;
  if (!busy) return ok ? 'pass' : 'fail';
  return ok && trustBusyPass ? 'pass' : 'busy';
}

/** What one try of a measurement reports: a value, whether its checks held, others' load meanwhile. */
export interface Try<T> {
  value: T;
  ok: boolean;
  othersCores: number | null;
  /** The checks passed in a way load cannot fake (it only makes their figures worse). */
  trustBusyPass?: boolean;
}

export interface Tried<T> extends Try<T> {
  /** How many tries were measured (1 when the first one passed or failed on a quiet machine). */
  tries: number;
  /** Others' load in each try, in order. */
  loads: (number | null)[];
  /** The last try's judgement: busy only when every try was busy (and not a trusted pass). */
  verdict: 'pass' | 'fail' | 'busy';
  limit: number;
}

/**
 * Measure with `attempt` until a try passes or fails on a quiet machine (or
 * passes in a way load cannot fake), or `tries` tries have all been busy;
 * `between` runs before each new try (a pause, so a burst of load can pass).
 */
export async function untilQuiet<T>(
  attempt: (n: number) => Promise<Try<T>>,
  o: { tries?: number; limit?: number; between?: () => Promise<void> } = {},
): Promise<Tried<T>> {
  const tries = Math.max(1, o.tries ?? MAX_TRIES);
  const limit = o.limit ?? BUSY_MACHINE_CORES;
  const loads: (number | null)[] = [];
  for (let n = 1; ; n++) {
    const t = await attempt(n);
    loads.push(t.othersCores);
    const verdict = judge(t.ok, t.othersCores, limit, t.trustBusyPass);
    if (verdict !== 'busy' || n >= tries) return { ...t, tries: n, loads, verdict, limit };
    await o.between?.();
  }
}

const cores = (x: number | null): string => (x === null ? 'unknown' : x.toFixed(2));

/** "others' load 0.05 cores", with the earlier tries' figures when there were several. */
export function loadNote(t: Pick<Tried<unknown>, 'tries' | 'loads'>): string {
  if (t.loads.every((x) => x === null)) return "others' load unknown (no /proc/stat)";
  if (t.tries <= 1) return `others' load ${cores(t.loads[0] ?? null)} cores`;
  return `others' load ${t.loads.map(cores).join(', ')} cores in ${t.tries} tries`;
}

/**
 * Record one check on the last try: passed or failed as measured; skipped
 * when the verdict is busy (no try counted), with the figures and the number
 * of tries, unless this check passed in a way load cannot fake (`trustBusyPass`).
 */
export function checkOnTries(
  sink: { check(name: string, ok: boolean, detail?: string): unknown; skip(name: string, reason: string): unknown },
  name: string,
  ok: boolean,
  detail: string,
  t: Pick<Tried<unknown>, 'tries' | 'loads' | 'verdict' | 'limit'>,
  trustBusyPass = false,
): void {
  if (t.verdict === 'busy' && !(ok && trustBusyPass)) {
    sink.skip(
      name,
      `the machine stayed busy: other processes used ${t.loads.map(cores).join(', ')} cores ` +
        `in ${t.tries} ${t.tries === 1 ? 'try' : 'tries'} (limit ${t.limit}); last try: ${detail}`,
    );
  } else sink.check(name, ok, `${detail}; ${loadNote(t)}`);
}
