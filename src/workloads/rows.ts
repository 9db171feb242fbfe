/**
 * Data-parallel CPU work on worker threads: a range of rows (or elements) per
 * worker, inputs and output in SharedArrayBuffers so nothing is copied per
 * call. The workers are the caller's (a lab starts them with ctx.worker, so
 * they are tracked); this module only splits the work and gathers replies.
 * Messages are defined here and imported by rows.worker.ts.
 */
import type { Worker } from 'node:worker_threads';
import { matmulRows } from './matmul.js';
import { mandelbrotRows } from './mandelbrot.js';
import { sumRange, vectorAddRange } from './vector.js';

let nextId = 1;

/** The worker file, for ctx.worker(ROWS_WORKER). */
export const ROWS_WORKER = new URL('./rows.worker.js', import.meta.url);

export type RowKernel = 'vectorAdd' | 'matmul' | 'sum' | 'mandelbrot';

export interface RowJob {
  kernel: RowKernel;
  /** Inputs (SharedArrayBuffer-backed for workers). */
  a?: Float32Array;
  b?: Float32Array;
  /** Output (SharedArrayBuffer-backed for workers); unused by sum. */
  out?: Float64Array;
  n?: number;
  width?: number;
  height?: number;
  maxIter?: number;
}

export interface RowTask extends RowJob {
  type: 'rows';
  id: number;
  lo: number;
  hi: number;
}

export interface RowReply {
  type: 'rows-done';
  id: number;
  /** The partial sum, for sum; 0 otherwise. */
  value: number;
}

export const isRowReply = (id: number) => (m: unknown): boolean => (m as RowReply | null)?.type === 'rows-done' && (m as RowReply).id === id;

/** How many units (rows or elements) a job has. */
export function unitsOf(job: RowJob): number {
  switch (job.kernel) {
    case 'vectorAdd':
    case 'sum':
      return job.a?.length ?? 0;
    case 'matmul':
      return job.n ?? 0;
    case 'mandelbrot':
      return job.height ?? 0;
  }
}

/** Do units [lo, hi) of a job here; returns the partial sum for sum, else 0. */
export function runRows(job: RowJob, lo: number, hi: number): number {
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${job.kernel}: ${what} missing`);
    return v;
  };
  switch (job.kernel) {
    case 'vectorAdd':
      vectorAddRange(need(job.a, 'a'), need(job.b, 'b'), need(job.out, 'out'), lo, hi);
      return 0;
    case 'sum':
      return sumRange(need(job.a, 'a'), lo, hi);
    case 'matmul':
      matmulRows(need(job.a, 'a'), need(job.b, 'b'), need(job.n, 'n'), need(job.out, 'out'), lo, hi);
      return 0;
    case 'mandelbrot':
      mandelbrotRows(need(job.width, 'width'), need(job.height, 'height'), need(job.maxIter, 'maxIter'), need(job.out, 'out'), lo, hi);
      return 0;
  }
}

/** [lo, hi) of each of `parts` near-equal slices of [0, total). */
export function splitRange(total: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) out.push([Math.floor((total * p) / parts), Math.floor((total * (p + 1)) / parts)]);
  return out;
}

/**
 * Run a job split across workers and wait for every slice; returns each
 * slice's value in order (the partial sums of a sum). `wait` is the caller's
 * bounded wait for a reply (a lab passes ctx.nextMessage).
 */
export async function runOnWorkers(
  workers: readonly Worker[],
  job: RowJob,
  wait: (w: Worker, pred: (m: unknown) => boolean, what: string) => Promise<unknown>,
): Promise<number[]> {
  const slices = splitRange(unitsOf(job), workers.length);
  const replies = slices.map(([lo, hi], i) => {
    const w = workers[i] as Worker;
    const id = nextId++;
    const reply = wait(w, isRowReply(id), `${job.kernel} rows ${lo}-${hi} from worker ${i}`);
    w.postMessage({ ...job, type: 'rows', id, lo, hi } satisfies RowTask);
    return reply as Promise<RowReply>;
  });
  return (await Promise.all(replies)).map((r) => r.value);
}

/**
 * Start k worker threads for runOnWorkers, tracked by the lab (gone when it
 * ends), and wait until each is running, so that a first call's time is the
 * work's and not the threads' start.
 */
export async function startRowWorkers(
  ctx: { worker(file: URL): Worker; withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> },
  k: number,
  file: URL = ROWS_WORKER,
): Promise<Worker[]> {
  const workers = Array.from({ length: k }, () => ctx.worker(file));
  await Promise.all(
    workers.map((w, i) =>
      ctx.withTimeout(
        new Promise<void>((resolve, reject) => {
          w.once('online', resolve);
          w.once('error', reject);
        }),
        30_000,
        `row worker ${i} to start`,
      ),
    ),
  );
  return workers;
}

/** A copy of a typed array in a SharedArrayBuffer, for workers to read without a copy per call. */
export function sharedCopy(x: Float32Array): Float32Array {
  const s = new Float32Array(new SharedArrayBuffer(x.byteLength));
  s.set(x);
  return s;
}

export function sharedFloat64(len: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(len * 8));
}
