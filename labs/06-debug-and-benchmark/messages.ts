/**
 * Messages between lab 6 and its workers, defined once and imported by both
 * sides. Shared memory travels in workerData (SharedArrayBuffers and sync
 * handles); runs are started by messages.
 */
import type { BarrierHandle } from '../../src/sync/barrier.js';
import type { MutexHandle } from '../../src/sync/mutex.js';

// ---- race hunter (race.worker.ts) ----

export type RaceProgram = 'buggy' | 'fixed';
/**
 * seeded: the workers take turns under a schedule drawn from the seed, so a
 * seed fixes the interleaving. jitter: the workers run freely and the seed
 * only fixes the random delays injected at the scheduling points.
 */
export type RaceSchedule = 'seeded' | 'jitter';

export interface RaceWorkerData {
  id: number;
  workers: number;
  /** The bank's region (see bankViews in bank.ts). */
  bank: SharedArrayBuffer;
  /** Start line for jitter runs, so the workers race from the same instant. */
  barrier: BarrierHandle;
  /** Bound on every wait, ms. */
  waitMs: number;
}

export interface RaceRun {
  type: 'run';
  seed: number;
  program: RaceProgram;
  schedule: RaceSchedule;
  transfers: number;
  preempt: number;
}

export type RaceReply =
  | { type: 'done'; id: number; seed: number; applied: number }
  | { type: 'error'; id: number; seed: number; message: string };

// ---- lock-order checker (lock-order.worker.ts) ----

export interface LockOrderWorkerData {
  id: number;
  locks: MutexHandle[];
  /** Int32 words: [turn, then locks x locks edge counts, then locks x locks first reporter + 1]. */
  graph: SharedArrayBuffer;
  waitMs: number;
  /** How long to hold the innermost lock, ms: long enough that an overlap would deadlock. */
  holdMs: number;
}

export interface LockOrderRun {
  type: 'run';
  /** Each sequence is taken in order, nested, then released in reverse; empty: this worker sits out. */
  sequences: number[][];
}

export type LockOrderReply =
  /** contended: acquisitions that found the lock held (0 when the workers never overlap). */
  | { type: 'done'; id: number; acquired: number; contended: number }
  | { type: 'error'; id: number; message: string };

// ---- CPU profile (profile.worker.ts) ----

export interface ProfileRequest {
  type: 'profile';
  durationMs: number;
  intervalUs: number;
}

/** The subset of a DevTools .cpuprofile (Profiler.Profile) the lab reads. */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId?: string };
  children?: number[];
  hitCount?: number;
}
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export type ProfileReply =
  | { type: 'profile'; profile: CpuProfile; rounds: number }
  /** This Node has no inspector (built without it). */
  | { type: 'unavailable'; message: string }
  | { type: 'error'; message: string };
