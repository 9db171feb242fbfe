/**
 * Matrix multiply on the CPU: the float64 reference that GPU results are
 * judged against, and the row blocks a worker thread computes. Shared by lab
 * 11 (GPU jobs) and lab 12 (the data-parallel numeric workload).
 */
import { createRng } from '../core/rng.js';

/** 2 n^3: one multiply and one add per term. */
export function matmulFlops(n: number): number {
  return 2 * n ** 3;
}

/** Two n x n float32 matrices with entries uniform in [-1, 1), the same for the same seed everywhere. */
export function matmulInputs(seed: number, n: number, alloc: (len: number) => Float32Array = (len) => new Float32Array(len)): { a: Float32Array; b: Float32Array } {
  const rng = createRng(seed);
  const a = alloc(n * n);
  const b = alloc(n * n);
  for (let i = 0; i < n * n; i++) a[i] = rng.float(-1, 1);
  for (let i = 0; i < n * n; i++) b[i] = rng.float(-1, 1);
  return { a, b };
}

/**
 * Rows r0..r1-1 of C = A B (row-major, n x n), summed in float64 into out
 * (i-k-j order: the inner loop walks a row of B and a row of C, which the
 * cache likes). out's rows r0..r1-1 are overwritten.
 */
export function matmulRows(a: ArrayLike<number>, b: ArrayLike<number>, n: number, out: Float64Array, r0: number, r1: number): void {
  for (let i = r0; i < r1; i++) {
    const row = i * n;
    out.fill(0, row, row + n);
    for (let k = 0; k < n; k++) {
      const aik = a[row + k] as number;
      const bk = k * n;
      for (let j = 0; j < n; j++) out[row + j] = (out[row + j] as number) + aik * (b[bk + j] as number);
    }
  }
}

/** The float64 reference product. */
export function matmulReference(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  matmulRows(a, b, n, out, 0, n);
  return out;
}

/**
 * The float32 tolerance for C = A B: a dot product of n terms summed in
 * float32 is off by at most about n u sum_k |a_ik b_kj| (u = 2^-24, Higham's
 * bound for recursive summation), and sum_k |a_ik b_kj| <= |a_i| |b_j|
 * (Cauchy-Schwarz on row i of A and column j of B). Twice that, over the
 * largest row and column norms, allows for a GPU's fused multiply-adds and a
 * summation order of its own. A wrong index moves a result by about the size
 * of the entries, many orders of magnitude more.
 */
export function matmulTolerance(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let rowMax = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += (a[i * n + k] as number) ** 2;
    rowMax = Math.max(rowMax, s);
  }
  const col = new Float64Array(n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) col[j] = (col[j] as number) + (b[k * n + j] as number) ** 2;
  let colMax = 0;
  for (const s of col) colMax = Math.max(colMax, s);
  return 2 * n * 2 ** -24 * Math.sqrt(rowMax) * Math.sqrt(colMax);
}
