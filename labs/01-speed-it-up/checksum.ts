/**
 * The work itself and its checksum, shared by the lab and its tasks.
 *
 * A variant's checksum is the sum, mod 2^32, of one hash per item, and each
 * hash covers the item's index and its result. The sum does not depend on how
 * the items were split among threads or processes (each adds its share), while
 * the index in every hash still ties each result to its own input.
 */

/** Prime factors of n in ascending order, by trial division: the book's calculatePrimeFactors. */
export function factorise(n: number): number[] {
  const factors: number[] = [];
  let d = 2;
  while (d * d <= n) {
    while (n % d === 0) {
      factors.push(d);
      n /= d;
    }
    d++;
  }
  if (n > 1) factors.push(n);
  return factors;
}

/**
 * a * b mod m for a, b < m <= 2^27, exactly, without BigInt. The quotient
 * from floating point is off by at most one (a * b < 2^54 is rounded by at
 * most 2), so the true remainder a*b - q*m lies in (-m, 2m), well inside 32
 * bits, and 32-bit wrapping products (Math.imul) give it exactly.
 */
function mulMod(a: number, b: number, m: number): number {
  const q = Math.floor((a * b) / m);
  const r = (Math.imul(a, b) - Math.imul(q, m)) | 0;
  return r < 0 ? r + m : r >= m ? r - m : r;
}

function powMod(b: number, e: number, m: number): number {
  let r = 1;
  for (b %= m; e > 0; e >>>= 1) {
    if (e & 1) r = mulMod(r, b, m);
    b = mulMod(b, b, m);
  }
  return r;
}

const SIEVE_LIMIT = 1 << 16;
let sieve: Uint8Array | undefined;

/** composite[i] = 1 for the composites below SIEVE_LIMIT (Eratosthenes). */
function composites(): Uint8Array {
  if (sieve) return sieve;
  const c = new Uint8Array(SIEVE_LIMIT);
  c[0] = c[1] = 1;
  for (let p = 2; p * p < SIEVE_LIMIT; p++) if (!c[p]) for (let q = p * p; q < SIEVE_LIMIT; q += p) c[q] = 1;
  return (sieve = c);
}

/**
 * Primality by other means than factorise, on purpose: the lab verifies the
 * factors with it. A sieve below 2^16 (most factors are small), above that
 * Miller-Rabin with bases 2, 3, 5, 7, which is exact below 3,215,031,751
 * (every factor here is <= 1e8).
 */
export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n < SIEVE_LIMIT) return composites()[n] === 0;
  if (n > 2 ** 27) throw new RangeError(`isPrime: ${n} is beyond the exact range of mulMod`);
  for (const p of [2, 3, 5, 7]) if (n % p === 0) return n === p;
  let d = n - 1;
  let s = 0;
  while ((d & 1) === 0) {
    d >>>= 1;
    s++;
  }
  for (const a of [2, 3, 5, 7]) {
    let x = powMod(a, d, n);
    if (x === 1 || x === n - 1) continue;
    let composite = true;
    for (let r = 1; r < s && composite; r++) {
      x = mulMod(x, x, n);
      if (x === n - 1) composite = false;
    }
    if (composite) return false;
  }
  return true;
}

/** FNV-1a over 32-bit words, finished with murmur3's fmix32 so that nearby inputs spread. */
export function itemHash(index: number, values: readonly number[]): number {
  let h = Math.imul(0x811c9dc5 ^ index, 0x01000193);
  for (const v of values) h = Math.imul(h ^ v, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export const addHash = (sum: number, h: number): number => (sum + h) >>> 0;

/** Factorise a slice whose first item has index `offset`; what one thread or process does. */
export function factorSlice(numbers: ArrayLike<number>, offset: number): { checksum: number; factors: number } {
  let checksum = 0;
  let count = 0;
  for (let i = 0; i < numbers.length; i++) {
    const f = factorise(numbers[i] as number);
    count += f.length;
    checksum = addHash(checksum, itemHash(offset + i, f));
  }
  return { checksum, factors: count };
}

export const hex = (x: number): string => x.toString(16).padStart(8, '0');
