/**
 * The wait-for graph of the dining table and its cycles. Pure functions over a
 * snapshot of the shared state, so the watchdog's verdict can be tested alone.
 *
 * Pi waits for Pj when Pi is blocked on a fork that Pj holds. Every
 * philosopher waits for at most one fork, so each node has at most one
 * outgoing edge, and a cycle is found by walking the edges.
 */

export interface Snapshot {
  /** waiting[i]: the fork Pi is blocked on, or -1. */
  waiting: number[];
  /** holder[f]: the philosopher holding fork f, or -1. */
  holder: number[];
}

export interface CycleStep {
  phil: number;
  holds: number[];
  waitsFor: number;
  heldBy: number;
}

function next(s: Snapshot, i: number): number {
  const f = s.waiting[i] ?? -1;
  if (f < 0) return -1;
  const h = s.holder[f] ?? -1;
  return h === i ? -1 : h; // holding what it waits for: it has just got it
}

/** A cycle in the wait-for graph, starting at its lowest philosopher, or null. */
export function findCycle(s: Snapshot): CycleStep[] | null {
  const n = s.waiting.length;
  const seen = new Array<number>(n).fill(-1); // the walk that first reached each node
  for (let start = 0; start < n; start++) {
    let i = start;
    while (i >= 0 && seen[i] === -1) {
      seen[i] = start;
      i = next(s, i);
    }
    if (i < 0 || seen[i] !== start) continue; // ran out, or joined an older walk
    const members: number[] = [];
    let j = i;
    do {
      members.push(j);
      j = next(s, j);
    } while (j !== i);
    const lo = members.indexOf(Math.min(...members));
    const rotated = [...members.slice(lo), ...members.slice(0, lo)];
    return rotated.map((p, k) => ({
      phil: p,
      holds: s.holder.flatMap((h, f) => (h === p ? [f] : [])),
      waitsFor: s.waiting[p] as number,
      heldBy: rotated[(k + 1) % rotated.length] as number,
    }));
  }
  return null;
}

const forks = (fs: number[]): string => fs.map((f) => `F${f}`).join('+') || 'nothing';

/**
 * "P0 holds F0, waits for F1 (held by P1) → … → back to P0". With `keep`, a
 * longer cycle shows its first keep-1 steps and its last one.
 */
export function describeCycle(c: CycleStep[], keep = Infinity): string {
  const steps = c.map((e) => `P${e.phil} holds ${forks(e.holds)}, waits for F${e.waitsFor} (held by P${e.heldBy})`);
  const shown = steps.length > keep ? [...steps.slice(0, keep - 1), `… (${steps.length - keep} more)`, ...steps.slice(-1)] : steps;
  return `${shown.join(' → ')} → back to P${c[0]?.phil ?? 0}`;
}

/** "P0 → P1 → P2 → P0", shortened in the middle for long cycles. */
export function shortCycle(c: CycleStep[], keep = 6): string {
  const ps = c.map((e) => `P${e.phil}`);
  const shown = ps.length > keep ? [...ps.slice(0, keep - 2), '…', ...ps.slice(-1)] : ps;
  return `${shown.join(' → ')} → P${c[0]?.phil ?? 0}`;
}

export function sameCycle(a: CycleStep[] | null, b: CycleStep[] | null): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((e, k) => e.phil === b[k]?.phil && e.waitsFor === b[k]?.waitsFor && e.heldBy === b[k]?.heldBy);
}
