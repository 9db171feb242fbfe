/**
 * The I/O workload's client: GET a URL and return the body, bounded by a
 * timeout and by an AbortSignal. Aborting destroys the request's socket, so
 * the server sees the request go (delay-server.ts counts it as aborted).
 */
import http from 'node:http';

export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`GET ${url}: HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

export interface GetOptions {
  /** A keep-alive agent to reuse connections (default: Node's global agent). */
  agent?: http.Agent;
  /** Abort after this many ms (AbortSignal.timeout: rejects with a TimeoutError). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A GET as lab code calls it: the seam a fault test replaces (e.g. a "cancel" that never aborts). */
export type Get = (url: string, o?: GetOptions) => Promise<string>;

export const get: Get = (url, o = {}) => {
  const signals = [o.signal, o.timeoutMs !== undefined ? AbortSignal.timeout(o.timeoutMs) : undefined].filter(
    (x): x is AbortSignal => x !== undefined,
  );
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const req = http.get(url, { agent: o.agent, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', reject);
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new HttpStatusError(url, res.statusCode ?? 0))));
    });
    // On abort, http rejects with an AbortError whose cause is the signal's
    // reason; reject with the reason itself (a TimeoutError for a timeout).
    req.on('error', (e) => reject(signal?.aborted ? signal.reason : e));
  });
};
