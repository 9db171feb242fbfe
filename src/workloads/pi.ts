/**
 * Monte Carlo estimate of pi: points drawn uniformly in the unit square, the
 * share inside the quarter circle is pi/4. Work is split into chunks, and
 * every chunk has its own random stream seeded from (seed, chunk index), so
 * the estimate depends on the seed and the number of samples only: never on
 * how many workers ran the chunks, or in what order.
 */
import { hash32 } from '../core/rng.js';

/** This module's URL: what a task names. */
export const PI_URL = new URL(import.meta.url);

export interface PiChunk {
  chunk: number;
  samples: number;
  inside: number;
}

/** The seed of one chunk's stream. */
export const chunkSeed = (seed: number, chunk: number): number => hash32(`${seed >>> 0}:pi:${chunk}`);

/** Count the points of one chunk that fall inside the quarter circle (mulberry32, inlined). */
export function piChunk(seed: number, chunk: number, samples: number): PiChunk {
  let a = chunkSeed(seed, chunk);
  let inside = 0;
  for (let i = 0; i < samples; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const x = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    a = (a + 0x6d2b79f5) | 0;
    t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const y = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    if (x * x + y * y < 1) inside++;
  }
  return { chunk, samples, inside };
}

/** The chunks of a run: `samples` points in chunks of at most `chunk`. */
export function chunksOf(samples: number, chunk: number): number[] {
  const out: number[] = [];
  for (let left = samples; left > 0; left -= chunk) out.push(Math.min(chunk, left));
  return out;
}

/** pi from the chunks' counts. */
export const piOf = (inside: number, samples: number): number => (4 * inside) / samples;

/** One standard error of the estimate from `samples` points: 4 sqrt(p (1 - p) / n) with p = pi/4. */
export const piStandardError = (samples: number): number => 4 * Math.sqrt(((Math.PI / 4) * (1 - Math.PI / 4)) / samples);
