/**
 * The workloads lab 12 added to src/workloads: prime tasks of a chosen size,
 * the shared-state transfers (every model's way gives the same table), the
 * matmul as executor tasks, and a batch of HTTP GETs.
 */
import { describe, expect, it } from 'vitest';
import { startDelayServer } from '../../src/workloads/delay-server.js';
import { fetchItems } from '../../src/workloads/http-batch.js';
import { matmulInputs, matmulReference } from '../../src/workloads/matmul.js';
import { matmulRowBlock, matmulRowsInto } from '../../src/workloads/matmul-tasks.js';
import { nextPrime, primeTaskSet } from '../../src/workloads/prime-set.js';
import { isPrime, isPrimeMillerRabin } from '../../src/workloads/primes.js';
import { applyTransfers, applyTransfersAtomic, applyUpdates, balancesHash, transferAt, transferUpdates } from '../../src/workloads/transfers.js';

describe('prime task sets', () => {
  it('next prime', () => {
    expect([nextPrime(1), nextPrime(2), nextPrime(8), nextPrime(13), nextPrime(1e7)]).toEqual([2, 2, 11, 13, 10000019]);
  });

  it('are the same for a seed, primes and semiprimes near the size asked, with the verdicts trial division gives', () => {
    const a = primeTaskSet(7, 40, 1e7);
    expect(primeTaskSet(7, 40, 1e7)).toEqual(a);
    expect(primeTaskSet(8, 40, 1e7).numbers).not.toEqual(a.numbers);
    expect(a.numbers).toHaveLength(40);
    const primes = a.expected.filter(Boolean).length;
    expect(primes).toBeGreaterThan(8);
    expect(primes).toBeLessThan(32);
    a.numbers.forEach((n, i) => {
      expect(n).toBeGreaterThanOrEqual(1e7);
      expect(n).toBeLessThan(2.2e7);
      expect(isPrime(n)).toBe(a.expected[i]);
      expect(isPrimeMillerRabin(n)).toBe(a.expected[i]);
    });
  });

  it('semiprimes have no factor much below sqrt(n), so trial division runs nearly all the way', () => {
    const { numbers, expected } = primeTaskSet(3, 30, 1e9);
    for (const [i, n] of numbers.entries()) {
      if (expected[i]) continue;
      let d = 3;
      while (n % d !== 0) d += 2;
      expect(d).toBeGreaterThan(Math.sqrt(1e9) * 0.99);
    }
    expect(() => primeTaskSet(1, 1, 50)).toThrow(RangeError);
  });
});

describe('transfers', () => {
  const seed = 99;
  const k = 16;
  const N = 20_000;

  it('move 1-256 between two different accounts, and the table sums to zero', () => {
    for (let i = 0; i < 500; i++) {
      const [from, to, amount] = transferAt(seed, i, k);
      expect(from).not.toBe(to);
      expect(Math.max(from, to)).toBeLessThan(k);
      expect(amount).toBeGreaterThanOrEqual(1);
      expect(amount).toBeLessThanOrEqual(256);
    }
    const t = new Int32Array(k);
    applyTransfers(t, seed, 0, N);
    expect(t.reduce((s, v) => s + v, 0)).toBe(0);
    expect(t.some((v) => v !== 0)).toBe(true);
  });

  it('give the same table however split and whichever way applied', () => {
    const whole = new Int32Array(k);
    expect(applyTransfers(whole, seed, 0, N)).toBe(N);
    const split = new Int32Array(new SharedArrayBuffer(4 * k));
    applyTransfersAtomic(split, seed, 7000, N);
    applyTransfersAtomic(split, seed, 0, 7000);
    expect([...split]).toEqual([...whole]);
    const sent = new Int32Array(k);
    expect(applyUpdates(sent, transferUpdates(seed, 0, 12345, k))).toBe(2 * 12345);
    applyUpdates(sent, transferUpdates(seed, 12345, N, k));
    expect([...sent]).toEqual([...whole]);
    expect(balancesHash(sent)).toBe(balancesHash(whole));
    // One transfer fewer is another table and another hash.
    const short = new Int32Array(k);
    applyTransfers(short, seed, 0, N - 1);
    expect(balancesHash(short)).not.toBe(balancesHash(whole));
  });
});

describe('matmul tasks', () => {
  it('blocks of rows, written in place or returned, make the reference product', () => {
    const n = 9;
    const { a, b } = matmulInputs(4, n);
    const ref = matmulReference(a, b, n);
    const inPlace = new Float64Array(n * n);
    expect(matmulRowsInto(a, b, n, inPlace, 0, 4)).toBe(4);
    matmulRowsInto(a, b, n, inPlace, 4, n);
    expect([...inPlace]).toEqual([...ref]);
    const blocks = [matmulRowBlock(a, b, n, 0, 5), matmulRowBlock(a, b, n, 5, n)];
    expect(blocks[0]).toHaveLength(5 * n);
    expect([...(blocks[0] as Float64Array), ...(blocks[1] as Float64Array)]).toEqual([...ref]);
  });
});

describe('fetchItems', () => {
  it('gets every body in item order, all at once', async () => {
    const server = await startDelayServer({ delayMs: 30, body: (i) => `body ${i}` });
    try {
      const t0 = performance.now();
      const bodies = await fetchItems(server.baseUrl, [3, 1, 2, 0, 4, 5, 6, 7]);
      const ms = performance.now() - t0;
      expect(bodies).toEqual(['body 3', 'body 1', 'body 2', 'body 0', 'body 4', 'body 5', 'body 6', 'body 7']);
      expect(server.stats().maxInFlight).toBe(8);
      expect(ms).toBeLessThan(8 * 30);
    } finally {
      await server.close();
    }
  });
});
