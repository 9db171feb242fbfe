/** Messages between the process pool and its children: defined once, imported by both sides. */
import type { Task, TaskEnvelope } from './executor.js';

export interface ChildReady {
  type: 'ready';
  pid: number;
  /** Epoch ms when the child's code started running. */
  at: number;
}
export interface ChildResult {
  type: 'result';
  id: number;
  env: TaskEnvelope;
}
export type ChildToPool = ChildReady | ChildResult;

export interface RunRequest {
  type: 'run';
  id: number;
  task: Task;
}
export interface StopRequest {
  type: 'stop';
}
export type PoolToChild = RunRequest | StopRequest;

export const isReady = (m: unknown): m is ChildReady => (m as ChildReady | null)?.type === 'ready';
export const isResult = (m: unknown): m is ChildResult => (m as ChildResult | null)?.type === 'result';
