/**
 * The shared-state workload: many small updates to one table of account
 * balances. Transfer i moves an amount from one account to another, both
 * drawn from (seed, i) alone, so any split of the transfers among workers
 * makes the same updates, and since additions commute the final balances
 * are the same whatever order they land in (and sum to zero).
 *
 * How each execution model reaches the shared table:
 * - one thread: plain reads and writes (applyTransfers);
 * - threads: the table is a SharedArrayBuffer that all see, each update an
 *   atomic read-modify-write (applyTransfersAtomic), the cache lines of a few
 *   hot accounts bouncing between cores;
 * - processes: no memory in common, so a process works out its updates and
 *   sends every one of them back by IPC (transferUpdates), and the owner of
 *   the table applies them (applyUpdates).
 */

/** This module's URL: what a task names. */
export const TRANSFERS_URL = new URL(import.meta.url);

/** A 32-bit mix of (seed, i) (murmur3's finaliser): the transfer's randomness, with no state. */
function mix(seed: number, i: number): number {
  let x = (seed ^ Math.imul(i, 0x9e3779b1)) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Transfer i: [from, to, amount] with from != to (when accounts > 1) and amount in 1..256. */
export function transferAt(seed: number, i: number, accounts: number): [number, number, number] {
  const x = mix(seed, i);
  const from = x % accounts;
  const to = accounts > 1 ? (from + 1 + ((x >>> 8) % (accounts - 1))) % accounts : from;
  return [from, to, ((x >>> 24) & 0xff) + 1];
}

/** Transfers lo..hi-1 on a table only this thread touches. Returns how many. */
export function applyTransfers(balances: Int32Array, seed: number, lo: number, hi: number): number {
  const k = balances.length;
  for (let i = lo; i < hi; i++) {
    const x = mix(seed, i);
    const from = x % k;
    const to = k > 1 ? (from + 1 + ((x >>> 8) % (k - 1))) % k : from;
    const amount = ((x >>> 24) & 0xff) + 1;
    balances[from] = (balances[from] as number) - amount;
    balances[to] = (balances[to] as number) + amount;
  }
  return hi - lo;
}

/** Transfers lo..hi-1 on a table in a SharedArrayBuffer that other threads update at the same time. */
export function applyTransfersAtomic(balances: Int32Array, seed: number, lo: number, hi: number): number {
  const k = balances.length;
  for (let i = lo; i < hi; i++) {
    const x = mix(seed, i);
    const from = x % k;
    const to = k > 1 ? (from + 1 + ((x >>> 8) % (k - 1))) % k : from;
    const amount = ((x >>> 24) & 0xff) + 1;
    Atomics.sub(balances, from, amount);
    Atomics.add(balances, to, amount);
  }
  return hi - lo;
}

/** The updates of transfers lo..hi-1, for a table elsewhere: [account, delta] pairs, two per transfer. */
export function transferUpdates(seed: number, lo: number, hi: number, accounts: number): Int32Array {
  const out = new Int32Array(4 * (hi - lo));
  let o = 0;
  for (let i = lo; i < hi; i++) {
    const x = mix(seed, i);
    const from = x % accounts;
    const to = accounts > 1 ? (from + 1 + ((x >>> 8) % (accounts - 1))) % accounts : from;
    const amount = ((x >>> 24) & 0xff) + 1;
    out[o++] = from;
    out[o++] = -amount;
    out[o++] = to;
    out[o++] = amount;
  }
  return out;
}

/** Apply [account, delta] pairs to the table. Returns how many updates. */
export function applyUpdates(balances: Int32Array, updates: Int32Array): number {
  for (let o = 0; o < updates.length; o += 2) {
    const acc = updates[o] as number;
    balances[acc] = (balances[acc] as number) + (updates[o + 1] as number);
  }
  return updates.length / 2;
}

/** FNV-1a over the balances: one number that says whether two tables agree. */
export function balancesHash(balances: Int32Array): number {
  let h = 0x811c9dc5;
  for (const v of balances) {
    for (let s = 0; s < 32; s += 8) {
      h ^= (v >>> s) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}
