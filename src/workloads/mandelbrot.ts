/**
 * The Mandelbrot image on the CPU: the float64 reference of the escape steps,
 * the rows a worker thread computes, and the colours of the PNG. Pixel (i, j),
 * counted from the top-left of a W x H image, samples
 * c = (-2.5 + (i + 0.5) * 3.5 / W) + (1.25 - (j + 0.5) * 2.5 / H) i.
 */

/** The escape step of c: the first k in 1..maxIter with |z_k| > 2, or 0 when the orbit stays bounded. */
export function escapeStep(cx: number, cy: number, maxIter: number): number {
  let x = 0;
  let y = 0;
  for (let k = 0; k < maxIter; k++) {
    const xt = x * x - y * y + cx;
    y = 2 * x * y + cy;
    x = xt;
    if (x * x + y * y > 4) return k + 1;
  }
  return 0;
}

export function pixelX(i: number, width: number): number {
  return -2.5 + ((i + 0.5) * 3.5) / width;
}

export function pixelY(j: number, height: number): number {
  return 1.25 - ((j + 0.5) * 2.5) / height;
}

/** Rows j0..j1-1 of the escape steps (row-major, width per row), in float64. */
export function mandelbrotRows(width: number, height: number, maxIter: number, out: Float64Array, j0: number, j1: number): void {
  for (let j = j0; j < j1; j++) {
    const cy = pixelY(j, height);
    for (let i = 0; i < width; i++) out[j * width + i] = escapeStep(pixelX(i, width), cy, maxIter);
  }
}

export function mandelbrotReference(width: number, height: number, maxIter: number): Float64Array {
  const out = new Float64Array(width * height);
  mandelbrotRows(width, height, maxIter, out, 0, height);
  return out;
}

/**
 * The share of pixels whose escape step may differ from the float64
 * reference: float32 rounding changes orbits that pass close to the set's
 * boundary (0.16% of a 700 x 500 image at 200 steps on this machine's WebGPU
 * and WebAssembly), while a wrong index or step count moves most pixels.
 */
export const MANDELBROT_TOLERANCE = 0.02;

/** Pixels whose escape steps differ, and the largest difference. */
export function mandelbrotDiff(got: ArrayLike<number>, ref: ArrayLike<number>): { differ: number; maxDiff: number } {
  let differ = 0;
  let maxDiff = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs((got[i] as number) - (ref[i] as number));
    if (d !== 0 || Number.isNaN(d)) {
      differ++;
      maxDiff = Math.max(maxDiff, Number.isNaN(d) ? Infinity : d);
    }
  }
  return { differ, maxDiff };
}

/**
 * The colour of an escape step: black (0, 0, 0) for a bounded orbit (0), and
 * for an escaped one a colour from a smooth palette whose channels never all
 * fall below 32, so no escaped point is black.
 */
export function escapeColor(step: number, maxIter: number): [number, number, number] {
  if (step === 0) return [0, 0, 0];
  const t = Math.sqrt(Math.min(1, Math.max(0, step / maxIter)));
  const r = Math.round(32 + 223 * Math.min(1, 2.2 * t));
  const g = Math.round(16 + 239 * t * t);
  const b = Math.round(96 + 159 * (1 - t) * Math.min(1, 4 * t));
  return [r, g, b];
}

/** RGB bytes (row-major, 3 per pixel) of an image of escape steps. */
export function mandelbrotRgb(steps: ArrayLike<number>, width: number, height: number, maxIter: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] = escapeColor(Math.round(steps[p] as number), maxIter);
    rgb[3 * p] = r;
    rgb[3 * p + 1] = g;
    rgb[3 * p + 2] = b;
  }
  return rgb;
}
