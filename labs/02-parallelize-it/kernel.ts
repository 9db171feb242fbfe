/**
 * The calibrated CPU work: a unit is UNIT_ITERATIONS steps of xorshift32
 * seeded by the unit number. Units are independent, so any split of a range
 * over workers gives the same checksum (the sum of unit values mod 2^32),
 * and a split that lost or repeated a unit would show in it. The work is a
 * dependent chain of integer ops on one register: no memory traffic, so
 * workers do not contend for caches or memory bandwidth and the speedup is
 * the CPU's alone.
 */
export const UNIT_ITERATIONS = 50_000;

export function unitValue(unit: number, seed: number): number {
  let x = Math.imul(unit + 1, 0x9e3779b1) ^ seed;
  // 0 is xorshift's fixed point: it would make the loop trivially constant.
  if (x === 0) x = 0x6d2b79f5;
  for (let i = 0; i < UNIT_ITERATIONS; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

/** Add two checksums mod 2^32 (the order of addition does not matter). */
export function addSums(a: number, b: number): number {
  return (a + b) >>> 0;
}

/** Checksum of units [from, to). */
export function rangeSum(from: number, to: number, seed: number): number {
  let s = 0;
  for (let u = from; u < to; u++) s = addSums(s, unitValue(u, seed));
  return s;
}
