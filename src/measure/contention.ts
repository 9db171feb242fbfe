/**
 * Was the machine ours while we measured? A parallel speedup can only show
 * when the cores are free: on a shared machine, another process may take a
 * core, and on a virtual machine two vCPUs may be SMT siblings or share an
 * oversubscribed host. Both can be measured, and a lab that finds them says
 * so (a skipped check with the figures) instead of failing or passing:
 *
 * - others' load: CPU time all CPUs spent busy (/proc/stat) minus our own,
 *   over the wall time, in cores;
 * - CPU inflation: CPU time the same work took on k threads over what it
 *   took on one. Independent cores keep it near 1; shared ones push it
 *   toward k.
 *
 * A lab whose threads wrongly ran one after another shows neither: its cores
 * are free and its work costs what it costs, so its check still fails.
 */
import { readFileSync } from 'node:fs';

/**
 * CPU time all CPUs have spent busy (user, nice, system, irq, softirq, steal)
 * since boot, ms, from the first line of /proc/stat; null where there is
 * none. The unit there is USER_HZ, which Linux fixes at 100 per second.
 */
export function machineBusyMs(): number | null {
  try {
    const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
    return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
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

/** Above this many cores of others' load, a parallel speedup cannot be judged. */
export const BUSY_MACHINE_CORES = 0.3;
/** Above this CPU inflation, the cores were not independent. */
export const SHARED_CORES_INFLATION = 1.4;
