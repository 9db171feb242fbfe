/**
 * Messages between lab 2 and its workers, defined once and imported by both
 * sides. Worker files import this and kernel.ts, never the lab or the CLI.
 */
import type { BarrierHandle } from '../../src/sync/barrier.js';

/** workerData of work.worker.ts. */
export interface WorkInit {
  seed: number;
  /** Units run once at start-up so the loop is JIT-compiled before anything is timed. */
  warmUnits: number;
}

/** Compute units [from, to) and reply with their checksum. */
export interface WorkRequest {
  type: 'work';
  id: number;
  from: number;
  to: number;
}

export type WorkReply =
  | { type: 'ready' }
  /** sum: the checksum of the range; ms: the worker's own time for it (used for calibration). */
  | { type: 'done'; id: number; sum: number; ms: number };

export type IncrementOp = 'atomics' | 'plain';

/** workerData of hammer.worker.ts: the counters and a two-party start barrier. */
export interface HammerInit {
  counters: SharedArrayBuffer;
  barrier: BarrierHandle;
}

/** Meet the partner at the barrier, then add 1 to Int32 cell `index`, `increments` times. */
export interface HammerRequest {
  type: 'hammer';
  id: number;
  index: number;
  increments: number;
  op: IncrementOp;
}

export type HammerReply =
  | { type: 'ready' }
  /** ms: this worker's loop time, from the barrier's release to its last increment. */
  | { type: 'hammered'; id: number; ms: number }
  | { type: 'error'; id: number; message: string };

/** How long a hammer worker waits at the start barrier for its partner. */
export const BARRIER_TIMEOUT_MS = 10_000;
