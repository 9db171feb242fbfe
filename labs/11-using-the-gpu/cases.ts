/**
 * The lab's four kernels as cases to sweep: for each size, the inputs, the
 * float64 reference (which is also the single-thread JS variant), the job
 * the worker threads split, the flops, and how a result is compared with the
 * reference (the float32 tolerance). Pure apart from allocating.
 */
import type { KernelParams } from '../../src/gpu/messages.js';
import { MANDELBROT_TOLERANCE, mandelbrotDiff, mandelbrotRows } from '../../src/workloads/mandelbrot.js';
import { matmulFlops, matmulInputs, matmulRows, matmulTolerance } from '../../src/workloads/matmul.js';
import { sharedCopy, sharedFloat64, type RowJob } from '../../src/workloads/rows.js';
import { reduceInputs, sumRange, vectorAddRange, vectorAddTolerance, vectorInputs } from '../../src/workloads/vector.js';

export type KernelId = 'vectorAdd' | 'matmul' | 'reduce' | 'mandelbrot';

export const KERNEL_LABEL: Record<KernelId, string> = {
  vectorAdd: 'vector add',
  matmul: 'matmul',
  reduce: 'reduction',
  mandelbrot: 'mandelbrot',
};

export interface Comparison {
  /** The measured error: max |got - ref|, or for the image the share of pixels whose escape step differs. */
  error: number;
  tolerance: number;
  ok: boolean;
  /** The error as the table prints it. */
  text: string;
}

export interface Case {
  kernel: KernelId;
  /** As the table prints it. */
  size: string;
  /** For the metric's variant and for ordering: n for vectors and matrices, pixels for the image. */
  sizeValue: number;
  params: KernelParams;
  /** What the GPU child gets. */
  inputs: Float32Array[];
  flops: number | null;
  /** The single-thread JS version in float64: the reference. It writes into one output array, allocated once, as the workers do. */
  reference(): Float64Array;
  /** The same work for worker threads, on shared copies of the inputs; `result` reads it back after a run. */
  shared(): { job: RowJob; result(values: number[]): Float64Array };
  compare(got: ArrayLike<number>, ref: Float64Array): Comparison;
  /** A deterministic fact of the reference, for the report's outputs. */
  output(ref: Float64Array): number;
}

export const fmtErr = (e: number): string => (e === 0 ? '0' : Number.isFinite(e) ? e.toExponential(1) : String(e));

function maxAbsDiff(got: ArrayLike<number>, ref: Float64Array): number {
  if (got.length !== ref.length) return Infinity;
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs((got[i] as number) - (ref[i] as number));
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

const sum = (x: ArrayLike<number>): number => sumRange(x, 0, x.length);
const absolute = (got: ArrayLike<number>, ref: Float64Array, tolerance: number): Comparison => {
  const error = maxAbsDiff(got, ref);
  return { error, tolerance, ok: error <= tolerance, text: fmtErr(error) };
};

export function vectorAddCases(seed: (label: string) => number, sizes: readonly number[]): Case[] {
  return sizes.map((s) => {
    const n = s * s;
    const { a, b } = vectorInputs(seed(`vector add ${n}`), n);
    let out: Float64Array | null = null;
    return {
      kernel: 'vectorAdd',
      size: n.toLocaleString('en-US'),
      sizeValue: n,
      params: { n },
      inputs: [a, b],
      flops: n,
      reference: () => {
        out ??= new Float64Array(n);
        vectorAddRange(a, b, out, 0, n);
        return out;
      },
      shared: () => {
        const out = sharedFloat64(n);
        return { job: { kernel: 'vectorAdd', a: sharedCopy(a), b: sharedCopy(b), out }, result: () => out };
      },
      compare: (got, ref) => absolute(got, ref, vectorAddTolerance(ref)),
      output: sum,
    };
  });
}

export function matmulCases(seed: (label: string) => number, sizes: readonly number[]): Case[] {
  return sizes.map((n) => {
    const { a, b } = matmulInputs(seed(`matmul ${n}`), n);
    const tolerance = matmulTolerance(a, b, n);
    let out: Float64Array | null = null;
    return {
      kernel: 'matmul',
      size: `${n}x${n}`,
      sizeValue: n,
      params: { n },
      inputs: [a, b],
      flops: matmulFlops(n),
      reference: () => {
        out ??= new Float64Array(n * n);
        matmulRows(a, b, n, out, 0, n);
        return out;
      },
      shared: () => {
        const out = sharedFloat64(n * n);
        return { job: { kernel: 'matmul', a: sharedCopy(a), b: sharedCopy(b), n, out }, result: () => out };
      },
      compare: (got, ref) => absolute(got, ref, tolerance),
      output: sum,
    };
  });
}

export function reduceCases(seed: (label: string) => number, sizes: readonly number[]): Case[] {
  return sizes.map((s) => {
    const n = s * s;
    const x = reduceInputs(seed(`reduction ${n}`), n);
    return {
      kernel: 'reduce',
      size: n.toLocaleString('en-US'),
      sizeValue: n,
      params: { n },
      inputs: [x],
      flops: n,
      reference: () => Float64Array.of(sum(x)),
      shared: () => ({ job: { kernel: 'sum', a: sharedCopy(x) }, result: (values) => Float64Array.of(values.reduce((p, v) => p + v, 0)) }),
      // Integers in [-k, k] with n k <= 2^24: every float32 partial sum is exact, so the tolerance is 0.
      compare: (got, ref) => absolute(got, ref, 0),
      output: (ref) => ref[0] as number,
    };
  });
}

export function mandelbrotCase(width: number, height: number, maxIter: number): Case {
  let out: Float64Array | null = null;
  return {
    kernel: 'mandelbrot',
    size: `${width}x${height}`,
    sizeValue: width * height,
    params: { width, height, maxIter },
    inputs: [],
    flops: null,
    reference: () => {
      out ??= new Float64Array(width * height);
      mandelbrotRows(width, height, maxIter, out, 0, height);
      return out;
    },
    shared: () => {
      const out = sharedFloat64(width * height);
      return { job: { kernel: 'mandelbrot', width, height, maxIter, out }, result: () => out };
    },
    compare: (got, ref) => {
      if (got.length !== ref.length) return { error: 1, tolerance: MANDELBROT_TOLERANCE, ok: false, text: `${got.length} px` };
      const { differ } = mandelbrotDiff(got, ref);
      const error = differ / ref.length;
      return { error, tolerance: MANDELBROT_TOLERANCE, ok: error <= MANDELBROT_TOLERANCE, text: `${(100 * error).toFixed(2)}% px` };
    },
    // Bounded pixels (black in the image).
    output: (ref) => ref.reduce((c, v) => c + (v === 0 ? 1 : 0), 0),
  };
}
