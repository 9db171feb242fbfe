/**
 * The CPU references that every GPU result is judged against (shared with
 * lab 12): the matmul and its float32 tolerance, vector add and the exact
 * reduction data, the Mandelbrot pixel mapping and escape steps, and the
 * split of a job across workers.
 */
import { describe, expect, it } from 'vitest';
import { escapeStep, mandelbrotReference, mandelbrotRows, pixelX, pixelY } from '../../src/workloads/mandelbrot.js';
import { matmulInputs, matmulReference, matmulRows, matmulTolerance } from '../../src/workloads/matmul.js';
import { runRows, splitRange, unitsOf } from '../../src/workloads/rows.js';
import { reduceBound, reduceInputs, sumRange, vectorAddTolerance, vectorInputs } from '../../src/workloads/vector.js';

describe('matmul', () => {
  it('matches the textbook triple loop, and row blocks add up to the whole', () => {
    const n = 7;
    const { a, b } = matmulInputs(1, n);
    const ref = matmulReference(a, b, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (b[k * n + j] as number);
        expect(ref[i * n + j]).toBeCloseTo(s, 12);
      }
    const out = new Float64Array(n * n);
    for (const [lo, hi] of splitRange(n, 3)) matmulRows(a, b, n, out, lo, hi);
    expect([...out]).toEqual([...ref]);
  });

  it('inputs are the same for the same seed, and differ for another', () => {
    expect([...matmulInputs(5, 4).a]).toEqual([...matmulInputs(5, 4).a]);
    expect([...matmulInputs(5, 4).a]).not.toEqual([...matmulInputs(6, 4).a]);
  });

  it('the tolerance covers float32 accumulation, and an off-by-one is far outside it', () => {
    const n = 64;
    const { a, b } = matmulInputs(3, n);
    const tol = matmulTolerance(a, b, n);
    const ref = matmulReference(a, b, n);
    let f32err = 0;
    let offByOne = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        let short = 0;
        for (let k = 0; k < n; k++) {
          s = Math.fround(s + Math.fround((a[i * n + k] as number) * (b[k * n + j] as number)));
          if (k < n - 1) short += (a[i * n + k] as number) * (b[k * n + j] as number);
        }
        f32err = Math.max(f32err, Math.abs(s - (ref[i * n + j] as number)));
        offByOne = Math.max(offByOne, Math.abs(short - (ref[i * n + j] as number)));
      }
    expect(f32err).toBeGreaterThan(0);
    expect(f32err).toBeLessThan(tol);
    expect(offByOne).toBeGreaterThan(100 * tol);
  });
});

describe('vector add and the reduction', () => {
  it('the vector-add tolerance is one float32 ulp of the largest sum', () => {
    const { a, b } = vectorInputs(2, 1000);
    const ref = Float64Array.from(a, (x, i) => x + (b[i] as number));
    const tol = vectorAddTolerance(ref);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(Math.fround(ref[i] as number) - (ref[i] as number)));
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(tol);
  });

  it('the reduction data keep every float32 partial sum exact', () => {
    for (const n of [4096, 1 << 20, 1 << 22]) {
      const k = reduceBound(n);
      expect(n * k).toBeLessThanOrEqual(2 ** 24);
      const x = reduceInputs(9, n);
      let f32 = 0;
      let big = 0;
      for (let i = 0; i < n; i++) {
        big = Math.max(big, Math.abs(x[i] as number));
        f32 = Math.fround(f32 + (x[i] as number));
      }
      expect(big).toBeLessThanOrEqual(k);
      expect(f32).toBe(sumRange(x, 0, n));
    }
  });
});

describe('mandelbrot', () => {
  it('maps pixels from the top-left as the issue says', () => {
    expect(pixelX(0, 700)).toBeCloseTo(-2.5 + 0.5 * 3.5 / 700, 15);
    expect(pixelX(699, 700)).toBeCloseTo(1 - 0.5 * 3.5 / 700, 15);
    expect(pixelY(0, 500)).toBeCloseTo(1.25 - 0.5 * 2.5 / 500, 15);
    expect(pixelY(499, 500)).toBeCloseTo(-1.25 + 0.5 * 2.5 / 500, 15);
  });

  it('escape steps: 0 for a bounded orbit, else the first step with |z| > 2', () => {
    expect(escapeStep(0, 0, 200)).toBe(0);
    expect(escapeStep(-2, 0, 200)).toBe(0); // z stays at 2: |z| <= 2 is bounded
    expect(escapeStep(1, 0, 200)).toBe(3); // 1, 2, 5
    expect(escapeStep(3, 0, 200)).toBe(1);
    expect(escapeStep(1, 0, 2)).toBe(0); // still bounded after 2 steps
    expect(escapeStep(0.25, 0, 1000)).toBe(0); // the cusp of the cardioid
  });

  it('row blocks add up to the image', () => {
    const ref = mandelbrotReference(30, 20, 50);
    const out = new Float64Array(600);
    for (const [lo, hi] of splitRange(20, 4)) mandelbrotRows(30, 20, 50, out, lo, hi);
    expect([...out]).toEqual([...ref]);
    // Bounded points exist and are symmetric about the real axis.
    const mirrored = Float64Array.from(ref, (_, p) => ref[(19 - Math.floor(p / 30)) * 30 + (p % 30)] as number);
    expect([...mirrored]).toEqual([...ref]);
    expect(ref.includes(0)).toBe(true);
  });
});

describe('rows', () => {
  it('splits a range into near-equal slices that cover it once', () => {
    for (const [total, parts] of [[10, 3], [2, 4], [0, 2], [1000, 7]] as const) {
      const s = splitRange(total, parts);
      expect(s).toHaveLength(parts);
      expect(s[0]?.[0]).toBe(0);
      expect(s[parts - 1]?.[1]).toBe(total);
      for (let i = 1; i < parts; i++) expect(s[i]?.[0]).toBe(s[i - 1]?.[1]);
    }
  });

  it('a sum job returns the partial sums of its slices', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5]);
    expect(unitsOf({ kernel: 'sum', a: x })).toBe(5);
    expect(runRows({ kernel: 'sum', a: x }, 1, 4)).toBe(9);
  });
});
