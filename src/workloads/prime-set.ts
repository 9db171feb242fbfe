/**
 * Numbers for CPU-bound tasks of a chosen size: is n prime, by trial
 * division (primes.ts's isPrime), where every n is a prime or a product of
 * two primes near sqrt(n), so that trial division runs (almost) all the way
 * to sqrt(n) whatever the verdict: a task's length is set by the size of its
 * number, near `near` (about sqrt(near) / 2 divisions). Half primes, half
 * such semiprimes, drawn from a seed: the same list, and the same expected
 * verdicts, on every machine.
 *
 * The verdicts expected are known by construction and confirmed with
 * Miller-Rabin (an independent method), never with the trial division the
 * tasks run.
 */
import { createRng } from '../core/rng.js';
import { isPrimeMillerRabin } from './primes.js';

export interface PrimeTaskSet {
  numbers: number[];
  /** The verdict each task must return: numbers[i] is prime. */
  expected: boolean[];
}

/** The smallest prime >= n (Miller-Rabin). */
export function nextPrime(n: number): number {
  let x = Math.max(2, Math.ceil(n));
  if (x > 2 && x % 2 === 0) x++;
  while (!isPrimeMillerRabin(x)) x += x === 2 ? 1 : 2;
  return x;
}

/**
 * `count` numbers in [near, 2 near) (a semiprime may end a little past it),
 * alternating prime and semiprime in a seeded order. near >= 100 and
 * 2 near < 2^53.
 */
export function primeTaskSet(seed: number, count: number, near: number): PrimeTaskSet {
  if (!(near >= 100 && 2 * near < Number.MAX_SAFE_INTEGER)) throw new RangeError(`near must be in [100, 2^52), got ${near}`);
  const rng = createRng(seed);
  const numbers: number[] = [];
  const expected: boolean[] = [];
  const root = Math.sqrt(near);
  for (let i = 0; i < count; i++) {
    const prime = rng.next() < 0.5;
    if (prime) {
      numbers.push(nextPrime(near + Math.floor(rng.next() * near)));
      expected.push(true);
    } else {
      // p <= q, both near sqrt(near .. 2 near): trial division stops at p, close to sqrt(p q).
      const p = nextPrime(root * (1 + 0.3 * rng.next()));
      const q = nextPrime(Math.max(p + 1, near / p + rng.next() * (near / p)));
      numbers.push(p * q);
      expected.push(false);
    }
  }
  return { numbers, expected };
}
