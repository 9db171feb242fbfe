/**
 * What the shared queues must hand out (pure): the order each discipline
 * returns items in, and an account of a contended run's takes.
 */
import type { SharedQueueKind } from '../../src/sync/index.js';

export interface Item {
  value: number;
  priority: number;
}

/** What each kind must return: fifo as put, lifo reversed, priority by (priority, put order). */
export function expectedOrder(kind: SharedQueueKind, items: readonly Item[]): Item[] {
  if (kind === 'fifo') return [...items];
  if (kind === 'lifo') return [...items].reverse();
  return [...items].sort((a, b) => a.priority - b.priority); // Array.prototype.sort is stable
}

export interface Stress {
  taken: number;
  duplicates: number;
  missing: number;
  /** a getter saw one producer's items out of put order */
  inversions: number;
}

/** What the getters of a stress run took between them: each of 2 * per values exactly once? */
export function countTaken(takes: readonly (readonly number[])[], per: number): Stress {
  const seen = new Uint8Array(2 * per);
  let duplicates = 0;
  let inversions = 0;
  let taken = 0;
  for (const values of takes) {
    const last = [-1, -1];
    taken += values.length;
    for (const v of values) {
      if (!Number.isInteger(v) || v < 0 || v >= 2 * per) continue;
      if (seen[v] === 1) duplicates++;
      else seen[v] = 1;
      const p = v < per ? 0 : 1;
      if (v <= (last[p] ?? -1)) inversions++;
      last[p] = v;
    }
  }
  return { taken, duplicates, missing: seen.reduce((a, n) => a + (n === 0 ? 1 : 0), 0), inversions };
}
