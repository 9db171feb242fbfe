/**
 * Messages between the lab thread and its workers (race.worker.ts,
 * philosopher.worker.ts), defined once and imported by both sides.
 */
import type { BarrierHandle } from '../../src/sync/barrier.js';
import type { MutexHandle } from '../../src/sync/mutex.js';

export const STRATEGIES = ['naive', 'ordered', 'waiter', 'chandy-misra', 'try-lock'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** The ways to increment one shared counter: two that race, two that do not. */
export const RACE_METHODS = ['plain', 'load-store', 'atomic', 'mutex'] as const;
export type RaceMethod = (typeof RACE_METHODS)[number];

export interface RaceRequest {
  kind: 'race';
  method: RaceMethod;
  increments: number;
  /** Int32 word 0 is the counter. */
  counter: SharedArrayBuffer;
  mutex: MutexHandle;
  /** All racers meet here first: each waits, the last arrival releases them. */
  barrier: BarrierHandle;
  /**
   * Then each spins until this absolute time (ms, same clock as t0/t1), so
   * that those on a core start at the same instant: waking from the barrier's
   * Atomics.wait takes the OS from tens of µs to milliseconds per thread,
   * longer than a million plain increments.
   */
  startAt: number;
}

export interface RaceReply {
  kind: 'raced';
  /** Absolute times (performance.timeOrigin + now(), shared by all threads of the process), ms. */
  t0: number;
  t1: number;
  /** The time after each chunk of increments (racer.ts, CHUNK); empty for plain, which runs as one loop. */
  stamps: number[];
  error?: string;
}

export interface DineRequest {
  kind: 'dine';
  id: number;
  n: number;
  strategy: Strategy;
  meals: number;
  think: [number, number];
  eat: [number, number];
  /** Pause between picking up the first fork and reaching for the second, ms. */
  reach: [number, number];
  /** Seeds the think/eat schedule (ctx.rng.derive(id)): the same on every machine. */
  seed: number;
  /** Seeds try-lock's back-off; how much of it is used depends on timing. */
  backoffSeed: number;
  buffer: SharedArrayBuffer;
  capacity: number;
  /** Stress: on the first meal, wait (at most this long, ms) with a first fork until all hold one or are blocked; 0: no. */
  rendezvousMs: number;
}

export interface DineReply {
  kind: 'dined';
  id: number;
  meals: number;
  /** false when the stop flag ended the run before all meals were eaten. */
  completed: boolean;
  error?: string;
}
