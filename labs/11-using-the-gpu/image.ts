/**
 * --image FILE: the Mandelbrot image the gpu.js backend computed, as a PNG
 * (src/render/png.ts, on Node's zlib). Black is exactly where that backend
 * found the orbit bounded; the lab's tolerance check already compared those
 * escape steps with the float64 reference.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabContext } from '../../src/core/lab.js';
import { encodePng } from '../../src/render/png.js';
import { mandelbrotRgb } from '../../src/workloads/mandelbrot.js';

export interface ImageOptions {
  file: string;
  steps: ArrayLike<number>;
  width: number;
  height: number;
  maxIter: number;
  backend: string;
}

export function writeImage(ctx: LabContext<unknown>, o: ImageOptions): { bytes: number } {
  const png = encodePng(o.width, o.height, mandelbrotRgb(o.steps, o.width, o.height, o.maxIter));
  const abs = path.resolve(o.file);
  // Through a temp file and a rename: a reader never sees half an image.
  const tmp = path.join(path.dirname(abs), `.conc-tmp-${process.pid}-${path.basename(abs)}`);
  try {
    writeFileSync(tmp, png);
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`--image ${o.file}: ${(e as Error).message.split('\n')[0]}`);
  }
  ctx.note(`wrote ${o.file}: ${o.width}x${o.height} PNG (${png.length.toLocaleString('en-US')} bytes), computed by gpu.js ${o.backend}`);
  return { bytes: png.length };
}
