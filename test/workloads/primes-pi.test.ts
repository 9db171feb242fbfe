/** The shared workloads (src/workloads): trial division against Miller-Rabin, work of any size, Monte Carlo pi in chunks. */
import { describe, expect, it } from 'vitest';
import { chunkSeed, chunksOf, piChunk, piOf, piStandardError } from '../../src/workloads/pi.js';
import { WORK_PRIME, isPrime, isPrimeMillerRabin, primesOf, trialDivisions } from '../../src/workloads/primes.js';

describe('primes', () => {
  it('trial division and Miller-Rabin agree on every n below 20000 and around 1e9 and 2^31', () => {
    for (let n = 0; n < 20_000; n++) expect(isPrime(n), String(n)).toBe(isPrimeMillerRabin(n));
    for (const base of [1e9, 2 ** 31 - 500]) for (let n = base; n < base + 1000; n++) expect(isPrime(n), String(n)).toBe(isPrimeMillerRabin(n));
  });

  it('knows a Carmichael number, a square of a prime, and refuses unsafe integers', () => {
    expect(isPrime(561)).toBe(false);
    expect(isPrimeMillerRabin(3215031751)).toBe(false); // a strong pseudoprime to bases 2, 3, 5 and 7
    expect(isPrime(99991 * 99991)).toBe(false);
    expect(isPrimeMillerRabin(2 ** 53 - 111)).toBe(true); // the largest prime below 2^53
    expect(() => isPrime(2 ** 53)).toThrow(RangeError);
  });

  it('lists the primes sorted, duplicates kept', () => {
    expect(primesOf([13, 4, 7, 13], [true, false, true, true])).toEqual([7, 13, 13]);
  });

  it('does exactly the trial divisions asked for, on a prime that never stops them', () => {
    expect(isPrimeMillerRabin(WORK_PRIME)).toBe(true);
    expect(trialDivisions(0)).toBe(0);
    expect(trialDivisions(100_000)).toBe(0);
  });
});

describe('Monte Carlo pi', () => {
  it('splits the samples into chunks of at most `chunk`', () => {
    expect(chunksOf(10, 4)).toEqual([4, 4, 2]);
    expect(chunksOf(8, 4)).toEqual([4, 4]);
    expect(chunksOf(3, 4)).toEqual([3]);
  });

  it('gives each chunk its own stream: the same for the same (seed, chunk), whoever runs it and when', () => {
    expect(piChunk(42, 3, 10_000)).toEqual(piChunk(42, 3, 10_000));
    expect(piChunk(42, 3, 10_000).inside).not.toBe(piChunk(42, 4, 10_000).inside);
    expect(piChunk(43, 3, 10_000).inside).not.toBe(piChunk(42, 3, 10_000).inside);
    expect(chunkSeed(42, 1)).not.toBe(chunkSeed(42, 2));
    // Any order of the chunks gives the same total.
    const chunks = chunksOf(100_000, 10_000).map((n, i) => piChunk(7, i, n).inside);
    const reversed = chunksOf(100_000, 10_000).map((n, i) => ({ n, i })).reverse().map(({ n, i }) => piChunk(7, i, n).inside);
    expect(reversed.reduce((a, b) => a + b)).toBe(chunks.reduce((a, b) => a + b));
  });

  it('estimates pi within 5 standard errors from 400000 points', () => {
    const inside = chunksOf(400_000, 100_000).reduce((a, n, i) => a + piChunk(1, i, n).inside, 0);
    expect(Math.abs(piOf(inside, 400_000) - Math.PI)).toBeLessThan(5 * piStandardError(400_000));
    expect(piStandardError(1e6)).toBeCloseTo(0.00164, 4);
  });
});
