/**
 * The gpu.js kernels. gpu.js compiles a kernel from its JavaScript source
 * (`fn.toString()`) into WGSL, GLSL, WebAssembly or plain JS, so these are
 * plain functions with no closures, written in the subset gpu.js translates:
 * numbers, loops with constant bounds, `this.thread`, `this.constants`.
 * They load no module; only the GPU child builds them (src/gpu/serve.ts).
 *
 * Float32 everywhere on the GPU side: the lab compares each result with a
 * float64 reference computed on the CPU (src/workloads/).
 */

/** What gpu.js binds `this` to inside a kernel. */
export interface KernelThis {
  thread: { x: number; y: number; z: number };
  output: { x: number; y: number; z: number };
  constants: Record<string, number>;
}

/** c[i] = a[i] + b[i]; output [n]. */
export function vectorAddKernel(this: KernelThis, a: Float32Array, b: Float32Array): number {
  return a[this.thread.x]! + b[this.thread.x]!;
}

/** C = A B for n x n row-major matrices; output [n, n] (thread.x the column, thread.y the row); constant n. */
export function matmulKernel(this: KernelThis, a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < this.constants.n!; k++) {
    sum += a[this.thread.y * this.constants.n! + k]! * b[k * this.constants.n! + this.thread.x]!;
  }
  return sum;
}

/** First pass of the reduction: thread i sums elements [i*chunk, (i+1)*chunk) of x; constants n, chunk. */
export function reducePartialKernel(this: KernelThis, x: Float32Array): number {
  let sum = 0;
  const base = this.thread.x * this.constants.chunk!;
  for (let i = 0; i < this.constants.chunk!; i++) {
    if (base + i < this.constants.n!) sum += x[base + i]!;
  }
  return sum;
}

/** Second pass: one thread sums the p partial sums; output [1]; constant p. */
export function reduceFinalKernel(this: KernelThis, partial: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < this.constants.p!; i++) {
    sum += partial[i]!;
  }
  return sum;
}

/**
 * Escape step of pixel (thread.x, thread.y) of the Mandelbrot image, counted
 * from the top-left: c = x + iy with x = -2.5 + (i + 0.5) * 3.5 / W and
 * y = 1.25 - (j + 0.5) * 2.5 / H. Returns the first k in 1..maxIter with
 * |z_k| > 2 (z_0 = 0, z_k+1 = z_k^2 + c), or 0 when the orbit stayed bounded
 * for all maxIter steps (a constant): 0 is black in the image, nothing else is.
 */
export function mandelbrotKernel(this: KernelThis): number {
  const cx = -2.5 + ((this.thread.x + 0.5) * 3.5) / this.output.x;
  const cy = 1.25 - ((this.thread.y + 0.5) * 2.5) / this.output.y;
  let x = 0;
  let y = 0;
  let escape = 0;
  for (let k = 0; k < this.constants.maxIter!; k++) {
    const xt = x * x - y * y + cx;
    y = 2 * x * y + cy;
    x = xt;
    if (x * x + y * y > 4) {
      escape = k + 1;
      break;
    }
  }
  return escape;
}

/**
 * The probe's known-answer kernel: a matrix product of small integers, exact
 * in float32 whatever the order of the sums, so any wrong value is a wrong
 * backend, not rounding. Its own source, so that a fault in the lab's
 * kernels does not hide a backend from the probe.
 */
export function knownAnswerKernel(this: KernelThis, a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < this.constants.n!; k++) {
    sum += a[this.thread.y * this.constants.n! + k]! * b[k * this.constants.n! + this.thread.x]!;
  }
  return sum;
}

/** The kernel sources by name, as the child builds them; a fault test passes its own table. */
export const KERNEL_SOURCES = {
  vectorAdd: vectorAddKernel,
  matmul: matmulKernel,
  reducePartial: reducePartialKernel,
  reduceFinal: reduceFinalKernel,
  mandelbrot: mandelbrotKernel,
  knownAnswer: knownAnswerKernel,
};

export type KernelSources = { [K in keyof typeof KERNEL_SOURCES]: (...args: never[]) => number };

/** The chunk each thread of the reduction's first pass sums: about sqrt(n), a power of two, at least 64. */
export function reduceChunk(n: number): number {
  return Math.max(64, 2 ** Math.ceil(Math.log2(Math.sqrt(n))));
}
