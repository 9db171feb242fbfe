/**
 * How many calls to time after a kernel's first call, shared by the lab's
 * CPU variants and the GPU child so both sides are sampled alike: at least
 * MIN_TIMED calls (a ratio of medians needs a spread on both sides), at least
 * `repeat`, within `maxTimeMs` unless MIN_TIMED calls need longer (a 1024 x
 * 1024 product in plain JS takes seconds), and never past HARD_CAP_MS.
 */
import type { Timing } from './messages.js';

export const MIN_TIMED = 3;
export const HARD_CAP_MS = 30_000;

export function timedPlan(t: Timing, firstMs: number): { warmup: number; repeat: number; maxTimeMs: number } {
  return {
    // A first call that took half the budget was warm-up enough.
    warmup: firstMs > t.maxTimeMs / 2 ? 0 : t.warmup,
    repeat: Math.max(MIN_TIMED, t.repeat),
    maxTimeMs: Math.min(HARD_CAP_MS, Math.max(t.maxTimeMs, MIN_TIMED * firstMs * 1.2)),
  };
}
