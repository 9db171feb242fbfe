/**
 * Which CPUs share a core: from /sys/devices/system/cpu/cpuN/topology/
 * thread_siblings_list (the SMT siblings of cpuN, itself included) and the
 * CPUs this process may run on (Cpus_allowed_list in /proc/self/status).
 * Two threads on SMT siblings share the core's L1 and L2, so no cache line
 * moves between them and false sharing cannot show.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** "0-3,8,10-11" -> [0, 1, 2, 3, 8, 10, 11]; [] for an empty or malformed list. */
export function parseCpuList(s: string): number[] {
  const out: number[] = [];
  for (const part of s.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return [];
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 4096) return [];
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}

export interface Topology {
  /** The CPUs this process may run on. */
  allowed: number[];
  /** cpu -> its SMT siblings (itself included), as the kernel lists them. */
  siblings: Map<number, number[]>;
}

/** The number of physical cores among the allowed CPUs: distinct sibling sets. Pure. */
export function physicalCores(t: Topology): number {
  const sets = new Set<string>();
  for (const c of t.allowed) sets.add((t.siblings.get(c) ?? [c]).join(','));
  return sets.size;
}

/** The allowed CPUs that have an SMT sibling among the allowed ones, as "0+1" groups. */
export function siblingGroups(t: Topology): string[] {
  const groups = new Set<string>();
  for (const c of t.allowed) {
    const s = (t.siblings.get(c) ?? [c]).filter((x) => t.allowed.includes(x));
    if (s.length > 1) groups.add(s.join('+'));
  }
  return [...groups];
}

/** This machine's topology, or null where /sys or /proc does not say. */
export function readTopology(root = '/sys/devices/system/cpu', status = '/proc/self/status'): Topology | null {
  try {
    const cpus = readdirSync(root)
      .map((d) => /^cpu(\d+)$/.exec(d)?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number);
    const siblings = new Map<number, number[]>();
    for (const c of cpus) {
      try {
        const list = parseCpuList(readFileSync(`${root}/cpu${c}/topology/thread_siblings_list`, 'utf8'));
        if (list.length) siblings.set(c, list);
      } catch {
        // an offline CPU has no topology: it is not one we may run on either
      }
    }
    if (siblings.size === 0) return null;
    let allowed = [...siblings.keys()];
    try {
      const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync(status, 'utf8'))?.[1];
      const list = line ? parseCpuList(line).filter((c) => siblings.has(c)) : [];
      if (list.length) allowed = list;
    } catch {
      // no /proc: every CPU with a topology
    }
    return { allowed: allowed.sort((a, b) => a - b), siblings };
  } catch {
    return null;
  }
}
