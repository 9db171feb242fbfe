/**
 * Process-tree watching for leak tests: every descendant of a pid seen while
 * it runs (polled from /proc), so a test can check that none survives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isRunning } from './run-lab.js';

/** ppid of every process now (from /proc/PID/stat). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), Number(rest[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export function descendants(root: number): number[] {
  const pp = parents();
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift() as number;
    for (const [pid, ppid] of pp) {
      if (ppid === p && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

/** Polls the descendants of root every intervalMs until stop(); returns every pid seen. */
export function watchTree(root: number, intervalMs = 25): { stop(): number[] } {
  const seen = new Set<number>();
  const tick = (): void => {
    for (const p of descendants(root)) seen.add(p);
  };
  tick();
  const t = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(t);
      return [...seen];
    },
  };
}

/** The pids of `pids` still running after waiting up to ms for them to go. */
export async function survivors(pids: readonly number[], ms = 1500): Promise<number[]> {
  const t0 = Date.now();
  for (;;) {
    const alive = pids.filter((p) => isRunning(p));
    if (!alive.length || Date.now() - t0 > ms) return alive;
    await new Promise((r) => setTimeout(r, 25));
  }
}
