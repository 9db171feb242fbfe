/**
 * Other processes' load while a workload ran: the machine's busy CPU time
 * (/proc/stat) less what this process and every process it started used
 * (/proc/<pid>/stat of the lab's process and its descendants: the process
 * pool's children and the GPU child), over the wall time, in cores. A
 * parallel model needs free cores; where others held some, its times
 * include waiting for them, and the reader should know. Null where there is
 * no /proc.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { machineBusyMs, othersCores } from '../../src/measure/contention.js';

/** Linux's USER_HZ: /proc counts CPU time in ticks of 10 ms. */
const TICK_MS = 10;

interface Stat {
  ppid: number;
  /** utime + stime, ms. */
  cpuMs: number;
}

/** ppid and CPU time from /proc/<pid>/stat (the command name may hold spaces and parentheses: parse after its last ')'). */
export function parseStat(text: string): Stat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const f = text.slice(close + 2).trim().split(/\s+/);
  // After the name: state(3) ppid(4) ... utime(14) stime(15), so index = field - 3.
  const ppid = Number(f[1]);
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) return null;
  return { ppid, cpuMs: (utime + stime) * TICK_MS };
}

/** CPU time of `root` and all its descendants alive now, ms; null without /proc. */
export function treeCpuMs(root = process.pid): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return null;
  }
  const stats = new Map<number, Stat>();
  for (const p of pids) {
    try {
      const s = parseStat(readFileSync(`/proc/${p}/stat`, 'utf8'));
      if (s) stats.set(Number(p), s);
    } catch {
      /* gone meanwhile */
    }
  }
  if (!stats.has(root)) return null;
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  let total = 0;
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop() as number;
    total += stats.get(pid)?.cpuMs ?? 0;
    todo.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Is Linux's autogroup scheduling on (CPU shared between sessions rather than between threads)? */
export function autogroupOn(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

/** Run f; also return the cores' worth of CPU other processes used meanwhile (null without /proc). */
export async function measuringLoad<T>(f: () => Promise<T>): Promise<{ value: T; others: number | null }> {
  const busy0 = machineBusyMs();
  const own0 = treeCpuMs();
  const t0 = performance.now();
  const value = await f();
  const wall = performance.now() - t0;
  const busy1 = machineBusyMs();
  const own1 = treeCpuMs();
  if (busy0 === null || busy1 === null || own0 === null || own1 === null) return { value, others: null };
  return { value, others: othersCores(busy1 - busy0, Math.max(0, own1 - own0), wall) };
}
