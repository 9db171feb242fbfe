/**
 * One kernel over its sizes: the single-thread JS version (the float64
 * reference), the same on worker threads, and the gpu.js kernel on the
 * backend the job chose. Records the first call apart from the steady state,
 * GFLOP/s, and the error of every result against the reference; checks that
 * every result is within the kernel's float32 tolerance.
 */
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import type { GpuJob } from '../../src/gpu/job.js';
import type { Timing } from '../../src/gpu/messages.js';
import { timedPlan } from '../../src/gpu/timing.js';
import { runOnWorkers } from '../../src/workloads/rows.js';
import { fmtErr, KERNEL_LABEL, type Case, type KernelId } from './cases.js';

export type Impl = 'js' | 'workers' | 'gpu.js';

export interface VariantResult {
  impl: Impl;
  label: string;
  firstMs: number;
  steady: number[];
  error: number;
  tolerance: number;
  ok: boolean;
}

export interface SizeResult {
  size: string;
  sizeValue: number;
  variants: VariantResult[];
}

export interface SweepResult {
  kernel: KernelId;
  sizes: SizeResult[];
  /** The gpu.js output of the last case (the image, for the Mandelbrot). */
  lastGpuOutput: Float32Array | null;
}

export interface SweepOptions {
  job: GpuJob;
  workers: readonly Worker[];
  cases: readonly Case[];
  timing: Timing;
}

export async function kernelSweep(ctx: LabContext<unknown>, o: SweepOptions): Promise<SweepResult> {
  const kernel = o.cases[0]?.kernel;
  if (!kernel) throw new Error('kernelSweep: no cases');
  const name = KERNEL_LABEL[kernel];
  const backend = o.job.choice.ran;
  if (!backend) throw new Error(o.job.choice.error ?? 'no backend');
  const gpuLabel = `gpu.js ${backend}`;
  const wLabel = `js, ${o.workers.length} worker${o.workers.length === 1 ? '' : 's'}`;
  const t = o.timing;
  const timeHere = async (fn: () => unknown): Promise<{ firstMs: number; steady: number[] }> => {
    const t0 = performance.now();
    await fn();
    const firstMs = performance.now() - t0;
    // Sampled as the GPU child samples its kernels (src/gpu/timing.ts).
    const s = await ctx.sample(fn, timedPlan(t, firstMs));
    return { firstMs, steady: s.wall };
  };

  const sizes: SizeResult[] = [];
  const rows: Record<string, Cell>[] = [];
  let lastGpuOutput: Float32Array | null = null;
  for (const c of o.cases) {
    ctx.progress(`${name} ${c.size}: js, 1 thread`);
    let ref: Float64Array = new Float64Array(0);
    const js = await timeHere(() => (ref = c.reference()));
    ctx.output(`${name} ${c.size}`, c.output(ref));

    ctx.progress(`${name} ${c.size}: ${wLabel}`);
    const sh = c.shared();
    let wOut: Float64Array = new Float64Array(0);
    const wait = (w: Worker, pred: (m: unknown) => boolean, what: string): Promise<unknown> => ctx.nextMessage(w, 120_000, what, pred);
    const wk = await timeHere(async () => (wOut = sh.result(await runOnWorkers(o.workers, sh.job, wait))));

    const gpu = await o.job.run(c.kernel, c.params, c.inputs, t, `${name} ${c.size}`);
    lastGpuOutput = gpu.output;

    const variants: VariantResult[] = [
      { impl: 'js', label: 'js, 1 thread', ...js, ...c.compare(ref, ref) },
      { impl: 'workers', label: wLabel, ...wk, ...c.compare(wOut, ref) },
      { impl: 'gpu.js', label: gpuLabel, firstMs: gpu.firstMs, steady: gpu.steadyMs, ...c.compare(gpu.output, ref) },
    ];
    sizes.push({ size: c.size, sizeValue: c.sizeValue, variants });
    for (const v of variants) {
      const variant = { kernel, size: c.sizeValue, impl: v.impl, ...(v.impl === 'gpu.js' ? { backend } : {}) };
      const s = ctx.metric({ name: 'steady time', unit: 'ms', better: 'lower', variant, samples: v.steady });
      ctx.metric({ name: 'first call', unit: 'ms', better: 'lower', variant, samples: [v.firstMs] });
      rows.push({
        size: c.size,
        variant: v.label,
        first: v.firstMs,
        steady: { value: s.median, low: s.ci.low, high: s.ci.high },
        gflops: c.flops === null ? null : c.flops / (s.median * 1e6),
        error: v.impl === 'js' ? 'ref' : fmtErrText(c.kernel, v.error),
      });
    }
  }

  const gpuRows = rows.map((r, i) => (r.variant === gpuLabel ? i : -1)).filter((i) => i >= 0);
  ctx.table({
    title: `${name[0]?.toUpperCase()}${name.slice(1)}`,
    columns: [
      { key: 'size', label: 'size' },
      { key: 'variant', label: 'variant' },
      { key: 'first', label: 'first call', unit: 'ms' },
      { key: 'steady', label: 'steady', unit: 'ms' },
      { key: 'gflops', label: 'GFLOP/s' },
      { key: 'error', label: 'max error', align: 'right' },
    ],
    rows,
    highlight: gpuRows,
    note: toleranceNote(kernel),
  });

  // Every result of every variant within the kernel's tolerance.
  const all = sizes.flatMap((s) => s.variants.filter((v) => v.impl !== 'js').map((v) => ({ ...v, size: s.size })));
  const bad = all.filter((v) => !v.ok);
  const worst = all.reduce((w, v) => (v.tolerance > 0 ? v.error / v.tolerance : v.error) > (w.tolerance > 0 ? w.error / w.tolerance : w.error) ? v : w, all[0]!);
  const who = (v: VariantResult): string => (v.impl === 'gpu.js' ? backend : v.impl);
  const detail = bad.length
    ? `${who(bad[0]!)} ${bad[0]!.size}: ${fmtErrText(kernel, bad[0]!.error)} > ${fmtErrText(kernel, bad[0]!.tolerance)}${bad.length > 1 ? `, +${bad.length - 1} more` : ''}`
    : all.every((v) => v.error === 0)
      ? `all ${all.length} results exact`
      : `${fmtErrText(kernel, worst.error)} <= ${fmtErrText(kernel, worst.tolerance)}, ${who(worst)} ${worst.size}`;
  ctx.check(`${name} within float32 tolerance`, bad.length === 0, detail);
  return { kernel, sizes, lastGpuOutput };
}

function fmtErrText(kernel: KernelId, e: number): string {
  return kernel === 'mandelbrot' && e !== 0 ? `${+(100 * e).toFixed(2)}% px` : fmtErr(e);
}

function toleranceNote(kernel: KernelId): string {
  switch (kernel) {
    case 'vectorAdd':
      return 'max error: against the float64 sum; tolerance one float32 ulp of the largest |a+b|. js, 1 thread is the reference.';
    case 'matmul':
      return 'max error: against the float64 product; tolerance 2 n 2^-24 |row of A| |column of B| (n float32 roundings). js, 1 thread is the reference.';
    case 'reduce':
      return 'data: small integers, so every float32 partial sum is exact and the tolerance is 0. gpu.js: two kernels, chunks of about sqrt(N), then their sums (read back in between).';
    case 'mandelbrot':
      return 'max error: share of pixels whose escape step differs from float64 (float32 rounding near the set\'s edge); tolerance 2%.';
  }
}
