/**
 * Amdahl's and Gustafson's laws, and the least-squares fit of Amdahl's
 * serial fraction to measured speedups. Pure functions: no clock, no I/O.
 */

/** Amdahl: speedup of a fixed job with serial fraction s on k workers. */
export function amdahl(s: number, k: number): number {
  return 1 / (s + (1 - s) / k);
}

/** Gustafson: scaled speedup when each of k workers keeps a constant share and s is the serial share of the run. */
export function gustafson(s: number, k: number): number {
  return s + (1 - s) * k;
}

/**
 * Minimum of f on [lo, hi] by golden-section search. It needs f unimodal on
 * the bracket; fitSerialFraction makes sure of that with a grid scan first.
 */
export function goldenSection(f: (x: number) => number, lo: number, hi: number, tol = 1e-9): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tol) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

export interface SpeedupPoint {
  k: number;
  speedup: number;
}

export interface AmdahlFit {
  /** Fitted serial fraction in [0, 1]. */
  s: number;
  /** Root mean square of measured - predicted speedup over the points. */
  rms: number;
}

/**
 * The s in [0, 1] that minimises sum (S_k - amdahl(s, k))^2. Each term is
 * unimodal in s (amdahl is monotone in s for k > 1), but a sum of unimodal
 * terms need not be, so a 1/200 grid finds the best cell first and the
 * golden section refines inside its neighbours. null without a point that
 * has k > 1 (k = 1 gives S = 1 for any s and says nothing).
 */
export function fitSerialFraction(points: readonly SpeedupPoint[]): AmdahlFit | null {
  const used = points.filter((p) => p.k > 1 && Number.isFinite(p.speedup));
  if (used.length === 0) return null;
  const sse = (s: number): number => used.reduce((acc, p) => acc + (p.speedup - amdahl(s, p.k)) ** 2, 0);
  const steps = 200;
  let best = 0;
  for (let i = 1; i <= steps; i++) if (sse(i / steps) < sse(best / steps)) best = i;
  const s = goldenSection(sse, Math.max(0, (best - 1) / steps), Math.min(1, (best + 1) / steps));
  return { s, rms: Math.sqrt(sse(s) / used.length) };
}
