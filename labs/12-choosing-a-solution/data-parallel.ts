/**
 * Data-parallel numeric work: C = A B for n x n float32 inputs (the matrix
 * multiply of lab 11, src/workloads/matmul.ts). One thread computes every
 * row; the thread pool's tasks each write their block of rows into a shared
 * output; the process pool's children get copies of A and B and send their
 * rows back; the GPU job runs lab 11's gpu.js kernel in its own process.
 * The CPU models compute in float64 and must match the reference exactly;
 * the GPU kernel computes in float32, within lab 11's tolerance.
 */
import type { LabContext } from '../../src/core/lab.js';
import { task } from '../../src/executors/index.js';
import { KERNEL_CLASS } from '../../src/gpu/choice.js';
import { matmulInputs, matmulReference, matmulTolerance } from '../../src/workloads/matmul.js';
import { MATMUL_TASKS_URL } from '../../src/workloads/matmul-tasks.js';
import type { GpuModel } from './gpu.js';
import { slices, type Pools } from './pools.js';
import { timeInRounds, type Runner } from './rounds.js';
import { recordTimed, type WorkloadResult } from './workload.js';

export interface DataParallelOptions {
  n: number;
  pools: Pools;
  gpu: GpuModel;
  rounds: number;
  warmup: number;
  /** The module whose functions the CPU tasks call (the seam for the results check's fault test). */
  kernels?: URL;
}

interface Product {
  /** The product, or the GPU's float32 one. */
  c: ArrayLike<number>;
  /** The kernel classes the GPU run reported (GPU only). */
  classes?: string[];
}

const maxAbsDiff = (got: ArrayLike<number>, ref: Float64Array): number => {
  if (got.length !== ref.length) return Infinity;
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs((got[i] as number) - (ref[i] as number));
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
};

export async function dataParallel(ctx: LabContext<unknown>, o: DataParallelOptions): Promise<WorkloadResult> {
  const n = o.n;
  const url = o.kernels ?? MATMUL_TASKS_URL;
  // Inputs in SharedArrayBuffers (threads read them in place); plain copies for the processes and the GPU child.
  const { a, b } = matmulInputs(ctx.rng.derive('data-parallel'), n, (len) => new Float32Array(new SharedArrayBuffer(4 * len)));
  const ap = a.slice();
  const bp = b.slice();
  const ref = matmulReference(a, b, n);
  const tolerance = matmulTolerance(a, b, n);
  const plain = new Float64Array(n * n);
  const shared = new Float64Array(new SharedArrayBuffer(8 * n * n));
  const rows = slices(n, o.pools.size);

  const runners: Runner<Product>[] = [
    {
      model: 'one-thread',
      reset: () => plain.fill(NaN),
      run: async () => {
        await o.pools['one-thread'].submit(task(url, 'matmulRowsInto', a, b, n, plain, 0, n));
        return { result: { c: plain } };
      },
    },
    {
      model: 'thread-pool',
      reset: () => shared.fill(NaN),
      run: async () => {
        await o.pools['thread-pool'].map(rows.map(([lo, hi]) => task(url, 'matmulRowsInto', a, b, n, shared, lo, hi)));
        return { result: { c: shared } };
      },
    },
    {
      model: 'process-pool',
      reset: () => plain.fill(NaN),
      run: async () => {
        const blocks = await o.pools['process-pool'].map<Float64Array>(rows.map(([lo, hi]) => task(url, 'matmulRowBlock', ap, bp, n, lo, hi)));
        blocks.forEach((blk, i) => plain.set(blk, (rows[i] as [number, number])[0] * n));
        return { result: { c: plain } };
      },
    },
  ];
  const job = o.gpu.job;
  if (job) {
    // Each call builds the kernel (its first call compiles it), then times three calls in the child:
    // the round's sample is the last of them, one warm batch as for the other models.
    runners.push({
      model: 'gpu',
      run: async () => {
        const r = await job.run('matmul', { n }, [ap, bp], { warmup: 0, repeat: 3, maxTimeMs: 0 }, `matmul ${n}x${n}`);
        return { result: { c: r.output, classes: [r.classFirst, r.classLast] }, ms: r.steadyMs[r.steadyMs.length - 1] as number };
      },
    });
  }
  const expectedClass = job?.choice.ran ? KERNEL_CLASS[job.choice.ran] : '';
  let worstGpu = 0;
  const rounds = await timeInRounds(ctx, 'data-parallel', runners, {
    rounds: o.rounds,
    warmup: o.warmup,
    judge: (model, got) => {
      const err = maxAbsDiff(got.c, ref);
      if (model !== 'gpu') return err === 0 ? null : `off by ${err.toExponential(1)}`;
      const wrongClass = got.classes?.find((c) => c !== expectedClass);
      if (wrongClass) return `ran as ${wrongClass}, not ${expectedClass}`;
      worstGpu = Math.max(worstGpu, err);
      return err <= tolerance ? null : `off by ${err.toExponential(1)} > ${tolerance.toExponential(1)}`;
    },
  });
  const gpuNote = job ? `; GPU within ${worstGpu.toExponential(0)}` : '';
  const measured = recordTimed(ctx, 'data-parallel', rounds, `C exact${gpuNote}`);
  let sum = 0;
  for (const v of ref) sum += v;
  ctx.output('data-parallel sum', sum);
  return {
    workload: 'data-parallel',
    batch: `C = A B, ${n}x${n}, float64 on the CPU, float32 in the GPU job`,
    measured,
    others: rounds.others,
    notApplicable: job ? [] : [{ model: 'gpu', reason: o.gpu.why }],
    labels: job ? { gpu: o.gpu.label } : {},
  };
}
