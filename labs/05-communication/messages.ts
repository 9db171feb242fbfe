/**
 * Messages between the lab (which orchestrates) and its endpoint workers
 * (which produce, consume, ping and pong). Defined once, imported by both.
 * Payload messages themselves are bare Uint8Arrays; everything else is one
 * of these objects.
 */
import type { MessagePort } from 'node:worker_threads';
import type { BlockingQueueHandle, RingBufferHandle, SharedQueueHandle } from '../../src/sync/index.js';

export const TRANSPORTS = ['postMessage', 'transfer', 'port', 'ring', 'queue'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const TRANSPORT_LABEL: Record<Transport, string> = {
  postMessage: 'postMessage (clone)',
  transfer: 'postMessage + transfer',
  port: 'MessageChannel port',
  ring: 'SPSC ring buffer',
  queue: 'MPMC blocking queue',
};

/** One value per transport, made by f. */
export function perTransport<T>(f: (t: Transport) => T): Record<Transport, T> {
  return Object.fromEntries(TRANSPORTS.map((t) => [t, f(t)])) as Record<Transport, T>;
}

/** One direction of travel, seen from an endpoint. */
export type Channel =
  /** parentPort: the lab thread relays to the other worker (transfer: hand over the ArrayBuffer) */
  | { kind: 'parent'; transfer: boolean }
  | { kind: 'port'; port: MessagePort }
  | { kind: 'ring'; ring: RingBufferHandle }
  /** left: Int32 counter of producers still running; the last one closes the queue */
  | { kind: 'queue'; queue: BlockingQueueHandle; left?: SharedArrayBuffer };

interface JobBase {
  id: number;
  size: number;
  seed: number;
  /** Bound on every blocking wait inside the job. */
  timeoutMs: number;
}

export interface ProduceJob extends JobBase {
  type: 'produce';
  tx: Channel;
  /** Sends sequence numbers [from, from + count). */
  from: number;
  count: number;
}

export interface ConsumeJob extends JobBase {
  type: 'consume';
  rx: Channel;
  /** Producer p sends seqs [p * per, (p + 1) * per): order is checked per producer. */
  per: number;
  producers: number;
  /** Seqs lie in [0, total): what the per-seq counts cover. */
  total: number;
  /**
   * Uint8 count per seq, shared by all consumers (multi-consumer runs): exactly-once
   * across them, counted by the lab. Without it the consumer keeps its own counts.
   */
  seen?: SharedArrayBuffer;
  /** Busy work per message, µs (the slow consumer of the backpressure run). */
  workUs: number;
}

export interface PingJob extends JobBase {
  type: 'ping';
  tx: Channel;
  rx: Channel;
  /** Untimed round trips first, then `rounds` timed ones. */
  warmup: number;
  rounds: number;
}

export interface PongJob extends JobBase {
  type: 'pong';
  tx: Channel;
  rx: Channel;
  /** warmup + rounds of the ping */
  rounds: number;
  /** The round trip from which the ping times them (its warmup): the pong's CPU is measured from there. */
  timedFrom?: number;
}

export interface SqPutJob {
  type: 'sq-put';
  id: number;
  queue: SharedQueueHandle;
  items: { value: number; priority: number }[];
  timeoutMs: number;
}

export interface SqGetJob {
  type: 'sq-get';
  id: number;
  queue: SharedQueueHandle;
  /** Int32 ticket counter shared by the getters: exactly `total` gets happen between them. */
  claim: SharedArrayBuffer;
  total: number;
  timeoutMs: number;
}

/**
 * The end of a producer's stream on a port: sent after its last payload, so a
 * consumer stops on it and counts what never came instead of waiting for it.
 * (A ring ends with a zero-length message; a queue, by being closed.)
 */
export interface EndOfStream {
  type: 'eos';
}

export const isEndOfStream = (m: unknown): m is EndOfStream =>
  typeof m === 'object' && m !== null && !(m instanceof Uint8Array) && (m as { type?: unknown }).type === 'eos';

export type Job = ProduceJob | ConsumeJob | PingJob | PongJob | SqPutJob | SqGetJob;

/** Times are process.hrtime in ns (one clock for every thread of the process). */
export interface ProduceResult {
  startNs: number;
  endNs: number;
  sent: number;
  /** queue only: puts that found the queue full, and the time they spent blocked */
  fullPuts: number;
  blockedNs: number;
}

export interface ConsumeResult {
  /** when the last message arrived */
  endNs: number;
  received: number;
  /** sequence numbers out of order (or out of range) */
  badOrder: number;
  duplicates: number;
  /** seqs in [0, total) never received (0 when the counts are shared: the lab counts them) */
  missing: number;
  badChecksum: number;
  /** sum of the payloads' checksums */
  checksum: number;
  /** queue only: the largest queue length seen just before a take */
  maxDepth: number;
}

/**
 * What one thread spent over the timed round trips, from Linux's
 * /proc/thread-self/schedstat: time on a CPU, and time runnable but waiting
 * for one (the run queue). Absent where the file is not there.
 */
export interface ThreadTime {
  cpuNs: number;
  waitNs: number;
}

export interface PingResult {
  rttNs: number[];
  badEcho: number;
  sched?: ThreadTime;
}

export interface PongResult {
  echoed: number;
  badChecksum: number;
  sched?: ThreadTime;
}

export interface SqGetResult {
  values: number[];
  priorities: number[];
}

export type Result = ProduceResult | ConsumeResult | PingResult | PongResult | SqGetResult | null;

export type Reply =
  | { type: 'online' }
  | { type: 'ready'; id: number }
  | { type: 'done'; id: number; result: Result }
  | { type: 'failed'; id: number; message: string };
