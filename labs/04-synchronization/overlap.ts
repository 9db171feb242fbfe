/**
 * When did racers really race? Pure: from each racer's measured start and end
 * of its loop (absolute times on the clock all threads of a process share).
 */
export interface Interval {
  t0: number;
  t1: number;
}

/** Time during which at least two of the intervals were open at once, ms. */
export function togetherMs(xs: readonly Interval[]): number {
  const edges = xs.flatMap((x) => (x.t1 > x.t0 ? [{ t: x.t0, d: 1 }, { t: x.t1, d: -1 }] : []));
  // Ends before starts at the same instant: touching intervals do not overlap.
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let since = 0;
  let total = 0;
  for (const e of edges) {
    if (open >= 2) total += e.t - since;
    open += e.d;
    since = e.t;
  }
  return total;
}
