/**
 * The book's CPU-bound benchmark: is n prime, by trial division, for numbers
 * near 1e14-1e15 (tens to hundreds of milliseconds each). Plain functions of
 * plain numbers, so any executor can run them as tasks:
 * `task(PRIMES_URL, 'isPrime', n)`.
 *
 * Also a unit of the same work in any size (trialDivisions), for sweeping the
 * task size, and a Miller-Rabin test in BigInt to check the trial division by
 * an independent method.
 */

/** This module's URL: what a task names. */
export const PRIMES_URL = new URL(import.meta.url);

/**
 * Fifteen numbers near 1e14-1e15: the five distinct numbers of the Python
 * documentation's ProcessPoolExecutor example (the book's benchmark), more
 * primes up to 1e15, two semiprimes of two large factors (as slow as a prime:
 * trial division runs up to the smaller factor), and composites that stop
 * early, so task lengths differ as they do in real work.
 */
export const DEFAULT_NUMBERS: readonly number[] = [
  112272535095293, // prime
  112582705942171, // prime
  115280095190773, // prime
  115797848077099, // prime
  1099726899285419, // 3306091 x 332635009
  123457161370373, // 1000003 x 123456791
  250000000000043, // prime
  330000000000023, // prime
  400020080003003, // 20000003 x 20001001
  100000000000001, // 29 x ...: stops at once
  499999999999999, // prime
  200000000000003, // 7 x ...: stops at once
  600000000000001, // 1567 x ...
  750000000000037, // prime
  749999999999981, // prime
];

/**
 * The same shape, a thousand times smaller (near 1e11-2e12) and eight of
 * them: for --quick, where a worker per task starts eight threads, not fifteen.
 */
export const QUICK_NUMBERS: readonly number[] = [
  100000000003, // prime
  1000000000001, // 73 x ...: stops at once
  200000000041, // prime
  120005500063, // 300007 x 400009
  999999999989, // prime
  300000000001, // 13 x ...: stops at once
  700003100003, // 700001 x 1000003
  1999999999981, // prime
];

/** Trial division: n is prime when no odd d with d*d <= n divides it. Exact for n < 2^53. */
export function isPrime(n: number): boolean {
  if (!Number.isSafeInteger(n)) throw new RangeError(`isPrime takes an integer up to 2^53-1, got ${n}`);
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

/** The sorted list of the numbers that are prime (duplicates kept). */
export function primesOf(numbers: readonly number[], verdicts: readonly boolean[]): number[] {
  return numbers.filter((_, i) => verdicts[i] === true).sort((a, b) => a - b);
}

/** A prime near 1e10: 50000 trial divisions, enough for the JIT to compile the loop, little enough to warm a pool with. */
export const WARM_PRIME = 10000000019;

/** A large prime: trial-dividing it never stops early, so `count` divisions are always `count` divisions. */
export const WORK_PRIME = 999999999999989;

/**
 * `count` trial divisions of WORK_PRIME (the inner loop of isPrime): work of
 * any size, from a microsecond up. Returns how many divided it (always 0), so
 * the loop cannot be optimised away.
 */
export function trialDivisions(count: number): number {
  let found = 0;
  let d = 3;
  for (let i = 0; i < count; i++, d += 2) if (WORK_PRIME % d === 0) found++;
  return found;
}

/** Trial divisions per microsecond on this thread: the best of a few timed runs. */
export function divisionsPerMicrosecond(): number {
  const probe = 200_000;
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    trialDivisions(probe);
    best = Math.min(best, performance.now() - t0);
  }
  return probe / Math.max(best * 1000, 1);
}

/** (b^e) mod m in BigInt. */
function powMod(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

const MR_BASES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];

/**
 * Miller-Rabin with the first twelve primes as bases: deterministic for every
 * n < 3.3e24, so exact for any safe integer. An independent check of isPrime.
 */
export function isPrimeMillerRabin(x: number): boolean {
  const n = BigInt(x);
  if (n < 2n) return false;
  for (const p of MR_BASES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    s++;
  }
  outer: for (const a of MR_BASES) {
    let y = powMod(a, d, n);
    if (y === 1n || y === n - 1n) continue;
    for (let i = 1; i < s; i++) {
      y = (y * y) % n;
      if (y === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}
