/**
 * A seeded stream of sensor readings: a few sensors, each a random walk
 * around its own base temperature, with the odd glitch (a reading the sensor
 * flags as bad). Integers (hundredths of a degree), so every implementation
 * of the aggregate computes exactly the same numbers.
 */
import { createRng } from '../../src/core/rng.js';

export interface Reading {
  seq: number;
  sensor: number;
  /** Hundredths of a degree Celsius. */
  centi: number;
  /** false: the sensor flagged this reading as a glitch. */
  ok: boolean;
}

export const SENSORS = 4;
/** The value a glitching sensor reports. */
export const GLITCH = -9999;

export function sensorReadings(seed: number, n: number, sensors = SENSORS, glitchRate = 0.05): Reading[] {
  const rng = createRng(seed);
  const level = Array.from({ length: sensors }, () => rng.int(1800, 2400));
  const out: Reading[] = [];
  for (let seq = 0; seq < n; seq++) {
    const sensor = rng.int(0, sensors - 1);
    level[sensor] = (level[sensor] ?? 2000) + rng.int(-30, 30);
    const ok = rng.next() >= glitchRate;
    out.push({ seq, sensor, centi: ok ? (level[sensor] ?? 2000) : GLITCH, ok });
  }
  return out;
}

/** Degrees Celsius with two decimals, for display and for the marble diagrams' values. */
export const celsius = (centi: number): number => centi / 100;

/**
 * Bursty input for the rate-limiting operators: `bursts` bursts of 2 to 4
 * events one frame apart, separated by quiet gaps of 8 to 11 frames.
 * Returns the frame of each event (the first at frame 1).
 */
export function burstFrames(seed: number, bursts: number): number[] {
  const rng = createRng(seed);
  const frames: number[] = [];
  let t = 1;
  for (let b = 0; b < bursts; b++) {
    const size = rng.int(2, 4);
    for (let i = 0; i < size; i++) frames.push(t + i);
    t += size - 1 + rng.int(8, 11);
  }
  return frames;
}
