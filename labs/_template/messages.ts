/** Messages between the template lab and its worker: defined once, imported by both sides. */
export interface PingRequest {
  type: 'ping';
  id: number;
  /** Iterations of busy work before the reply. */
  work: number;
}

export interface PingReply {
  type: 'pong';
  id: number;
  /** A checksum of the work, so a check can tell a worker that skipped it. */
  sum: number;
}

export const isPong = (m: unknown): m is PingReply => (m as PingReply | null)?.type === 'pong';
