/**
 * Messages between a lab and its GPU child process (src/gpu/child.ts).
 * Defined once here; both sides import these types. The channel uses
 * Node's 'advanced' serialization, so typed arrays cross it as typed arrays.
 */
import type { Backend } from './choice.js';

/** The kernels the child can run. `knownAnswer` is the probe's own kernel, never the lab's. */
export type KernelName = 'vectorAdd' | 'matmul' | 'reduce' | 'mandelbrot' | 'knownAnswer';

/** Sizes of a kernel call: n for vectors and matrices, width/height/maxIter for the Mandelbrot image. */
export interface KernelParams {
  n?: number;
  width?: number;
  height?: number;
  maxIter?: number;
}

export interface Timing {
  /** Untimed calls after the first (src/gpu/timing.ts: none when the first took over half of maxTimeMs). */
  warmup: number;
  /** At least this many timed calls after the first (and at least 3)... */
  repeat: number;
  /** ...unless this much time has passed and 3 calls could not fit in it anyway. */
  maxTimeMs: number;
}

export type ToChild =
  | { type: 'probe'; id: number; backend: Backend; ka: { n: number; a: Float32Array; b: Float32Array; timing: Timing } }
  | { type: 'use'; id: number; backend: Backend }
  | { type: 'run'; id: number; kernel: KernelName; params: KernelParams; inputs: Float32Array[]; timing: Timing }
  | { type: 'close'; id: number };

/** What the probe of one backend saw. */
export interface ProbeReport {
  backend: Backend;
  available: boolean;
  error?: string;
  device?: string;
  software?: boolean;
  /** The routes tried on the way (e.g. "Vulkan/Metal/D3D: no adapter"), for the backend table. */
  tried?: string[];
  /** Present when available: the known-answer kernel's output, for the lab to judge. */
  ka?: RunReport;
}

export interface RunReport {
  output: Float32Array;
  /** The first call: compile, upload, run, read back. */
  firstMs: number;
  /** The timed calls after the first. */
  steadyMs: number[];
  /** `kernel.kernel.constructor.name` after the first call and after the last, for every gpu.js kernel the call used. */
  classFirst: string;
  classLast: string;
  fallbackReason: string | null;
}

export type FromChild =
  | { type: 'ready'; pid: number }
  | { type: 'probed'; id: number; probe: ProbeReport }
  | { type: 'using'; id: number; backend: Backend }
  | { type: 'ran'; id: number; run: RunReport }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed'; id: number };

export const isReply = (id: number) => (m: unknown): boolean => (m as { id?: number } | null)?.id === id;
