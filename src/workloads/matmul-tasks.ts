/**
 * The data-parallel workload as executor tasks (src/executors): C = A B split
 * into blocks of rows. A thread shares memory with the caller, so a thread
 * pool's task writes its rows straight into a shared output
 * (matmulRowsInto); a process cannot, so a process pool's task returns its
 * block of rows (matmulRowBlock) and the caller copies it in.
 */
import { matmulRows } from './matmul.js';

/** This module's URL: what a task names. */
export const MATMUL_TASKS_URL = new URL(import.meta.url);

/** Rows r0..r1-1 of C = A B into out (n x n; a SharedArrayBuffer for a thread pool); returns how many rows. */
export function matmulRowsInto(a: Float32Array, b: Float32Array, n: number, out: Float64Array, r0: number, r1: number): number {
  matmulRows(a, b, n, out, r0, r1);
  return r1 - r0;
}

/** Rows r0..r1-1 of C = A B, returned as (r1 - r0) x n values. */
export function matmulRowBlock(a: Float32Array, b: Float32Array, n: number, r0: number, r1: number): Float64Array {
  const out = new Float64Array(n * n);
  matmulRows(a, b, n, out, r0, r1);
  return out.slice(r0 * n, r1 * n);
}
