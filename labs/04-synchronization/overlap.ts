/**
 * When did racers really race? Pure: from each racer's measured start and end
 * of its loop (absolute times on the clock all threads of a process share).
 */
export interface Interval {
  t0: number;
  t1: number;
}

/** One racer's loop: its start, and the time after each chunk of increments. */
export interface Progress {
  t0: number;
  stamps: readonly number[];
}

/**
 * The chunks of a loop split by how long each took: at most `slack` times
 * the racer's median chunk, it ran; longer, it also waited for a core
 * (descheduled) part of the time.
 */
export function chunks(p: Progress, slack = 3): { ran: Interval[]; waited: Interval[] } {
  const times = [p.t0, ...p.stamps];
  const all = times.slice(1).map((t, i) => ({ t0: times[i] as number, t1: t }));
  if (all.length === 0) return { ran: [], waited: [] };
  const sorted = all.map((c) => c.t1 - c.t0).sort((a, b) => a - b);
  const limit = slack * (sorted[Math.floor((sorted.length - 1) / 2)] as number);
  return { ran: all.filter((c) => c.t1 - c.t0 <= limit), waited: all.filter((c) => c.t1 - c.t0 > limit) };
}

export interface Interleaving {
  /** Time at least two racers ran at once (their running chunks overlapped), ms: two cores at work. */
  atOnceMs: number;
  /** Chunks in which a racer waited for a core while another racer ran: turns taken on one core. */
  turns: number;
}

/**
 * How the racers' loops interleaved, from their progress alone: running at
 * once on two cores, or taking turns mid-loop on one. Either way a racer
 * that had read the counter and not yet written it back can lose the other's
 * increments; loops that run one after another cannot.
 */
export function interleaving(racers: readonly Progress[]): Interleaving {
  const split = racers.map((r) => chunks(r));
  const atOnceMs = togetherMs(split.flatMap((s) => s.ran));
  let turns = 0;
  split.forEach((s, i) => {
    const others = split.flatMap((o, j) => (j === i ? [] : o.ran));
    for (const w of s.waited) if (others.some((o) => o.t0 < w.t1 && o.t1 > w.t0)) turns++;
  });
  return { atOnceMs, turns };
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
