/**
 * Messages between the lab and task.worker.ts. The same task file runs as a
 * worker thread and as a child process, so one set of types serves both; the
 * child side uses advanced (structured clone) serialization, which carries
 * an Int32Array as bytes rather than as JSON.
 */

/** A share of one workload: a contiguous slice of the numbers, or of the request indices. */
export type Job =
  | { kind: 'cpu'; offset: number; numbers: Int32Array }
  | { kind: 'io'; baseUrl: string; first: number; count: number; timeoutMs: number };

export type ToTask = { type: 'job'; job: Job } | { type: 'quit' };

export interface ReadyMessage {
  type: 'ready';
}
export interface ResultMessage {
  type: 'result';
  /** Sum (mod 2^32) of the per-item hashes of this share; see checksum.ts. */
  checksum: number;
  items: number;
  /**
   * process.cpuUsage() of the task's process, ms, during this job and since the
   * process started: a child's own CPU; for a thread, the whole process's (unused).
   */
  jobCpuMs: number;
  processCpuMs: number;
}
export type FromTask = ReadyMessage | ResultMessage;

const typed = (m: unknown, type: string): boolean =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;
export const isReady = (m: unknown): m is ReadyMessage => typed(m, 'ready');
export const isResult = (m: unknown): m is ResultMessage => typed(m, 'result');
