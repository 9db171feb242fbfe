/**
 * Vector add and sum (the reduction) on the CPU: the float64 references and
 * the ranges a worker thread computes. Shared by labs 11 and 12.
 */
import { createRng } from '../core/rng.js';

/** Two float32 vectors uniform in [-1, 1), the same for the same seed everywhere. */
export function vectorInputs(seed: number, n: number, alloc: (len: number) => Float32Array = (len) => new Float32Array(len)): { a: Float32Array; b: Float32Array } {
  const rng = createRng(seed);
  const a = alloc(n);
  const b = alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.float(-1, 1);
  for (let i = 0; i < n; i++) b[i] = rng.float(-1, 1);
  return { a, b };
}

/** out[i] = a[i] + b[i] for i in [lo, hi), in float64. */
export function vectorAddRange(a: ArrayLike<number>, b: ArrayLike<number>, out: Float64Array, lo: number, hi: number): void {
  for (let i = lo; i < hi; i++) out[i] = (a[i] as number) + (b[i] as number);
}

/**
 * The float32 tolerance of a + b: one rounding of the exact sum, at most half
 * a unit in the last place (2^-24 |c|); allowed: a whole unit of the largest.
 */
export function vectorAddTolerance(ref: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i] as number));
  return 2 ** -23 * m;
}

/** Largest |x| the reduction's data uses for n elements: every partial sum stays an integer <= 2^24, exact in float32. */
export function reduceBound(n: number): number {
  return Math.max(1, Math.min(8, Math.floor(2 ** 24 / n)));
}

/**
 * The reduction's data: integers in [-k, k] with n k <= 2^24 (k = reduceBound(n)),
 * so every float32 partial sum is exact in any order, and the only tolerance
 * is 0: a dropped or doubled element is an error of at least 1.
 */
export function reduceInputs(seed: number, n: number, alloc: (len: number) => Float32Array = (len) => new Float32Array(len)): Float32Array {
  const rng = createRng(seed);
  const k = reduceBound(n);
  const x = alloc(n);
  for (let i = 0; i < n; i++) x[i] = rng.int(-k, k);
  return x;
}

/** Sum of x[lo..hi), in float64. */
export function sumRange(x: ArrayLike<number>, lo: number, hi: number): number {
  let s = 0;
  for (let i = lo; i < hi; i++) s += x[i] as number;
  return s;
}
