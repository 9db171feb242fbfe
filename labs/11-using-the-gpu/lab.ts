import os from 'node:os';
import { defineLab } from '../../src/core/lab.js';
import { REQUESTS } from '../../src/gpu/choice.js';
import { checkBackendRan, chooseBackendExperiment, closeJob } from './backend.js';
import { mandelbrotCase, matmulCases, reduceCases, vectorAddCases } from './cases.js';
import { crossover } from './crossover.js';
import { writeImage } from './image.js';
import { kernelSweep } from './sweep.js';
import { startRowWorkers } from '../../src/workloads/rows.js';

export default defineLab({
  id: 11,
  slug: 'using-the-gpu',
  title: 'Using the GPU',
  summary: 'gpu.js kernels against JS on one thread and on workers; which backend really ran, and where it wins',
  chapter:
    'A GPU runs one kernel over many data at once, after compiling it and moving the data. gpu.js may ' +
    'run WebGPU, GL, WebAssembly or JS: which one ran, and did it pay?',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    backend: { type: 'choice', default: 'auto', choices: REQUESTS, help: 'gpu.js backend; auto: a hardware GPU first, then the fastest verified one' },
    sizes: { type: 'list', default: [64, 128, 256, 512, 1024], min: 8, max: 2048, maxItems: 8, help: 'N: N x N matmul; N*N elements for vector add and reduction' },
    workers: { type: 'integer', default: () => os.availableParallelism(), min: 1, max: 64, help: 'worker threads of the JS variant' },
    image: { type: 'string', default: '', meta: 'a .png file to write', file: true, help: 'write the Mandelbrot image as a PNG' },
    imageWidth: { type: 'integer', default: 700, min: 1, max: 8192, help: 'Mandelbrot image width in pixels' },
    imageHeight: { type: 'integer', default: 500, min: 1, max: 8192, help: 'Mandelbrot image height in pixels' },
    maxIter: { type: 'integer', default: 200, min: 1, max: 100_000, help: 'Mandelbrot steps before a point counts as bounded (black)' },
  },
  quick: { sizes: [64, 128, 256], imageWidth: 350, imageHeight: 250 },
  repeat: { default: 5, quick: 3 },
  warmup: { default: 1, quick: 0 },
  timeout: 300,
  async run(ctx) {
    const o = ctx.options;
    const seed = (label: string): number => ctx.rng.derive(label);
    const timing = { warmup: ctx.warmup, repeat: ctx.repeat, maxTimeMs: ctx.quick ? 1000 : 3000 };

    const job = await chooseBackendExperiment(ctx, { requested: o.backend });
    const workers = await startRowWorkers(ctx, o.workers);
    const sweeps = [
      await kernelSweep(ctx, { job, workers, timing, cases: vectorAddCases(seed, o.sizes) }),
      await kernelSweep(ctx, { job, workers, timing, cases: matmulCases(seed, o.sizes) }),
      await kernelSweep(ctx, { job, workers, timing, cases: reduceCases(seed, o.sizes) }),
      await kernelSweep(ctx, { job, workers, timing, cases: [mandelbrotCase(o.imageWidth, o.imageHeight, o.maxIter)] }),
    ];
    const ran = checkBackendRan(ctx, job);
    await closeJob(ctx, job);
    crossover(ctx, sweeps, job.choice, workers.length);
    const image = sweeps[3]?.lastGpuOutput;
    if (o.image && image) writeImage(ctx, { file: o.image, steps: image, width: o.imageWidth, height: o.imageHeight, maxIter: o.maxIter, backend: ran ?? '?' });

    ctx.progress('done', 1);
    ctx.headline('gpu.js backend', `${ran ?? 'none'}${job.choice.software ? ' (no GPU)' : ''}`);
  },
});
