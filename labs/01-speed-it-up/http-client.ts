/**
 * The I/O workload's client side, shared by the lab (sequential, async) and
 * its tasks (each thread or process walks its share one request at a time,
 * as a thread doing blocking I/O would).
 */
import http from 'node:http';
import { addHash, itemHash } from './checksum.js';

/** GET url and return the body; the whole exchange is bounded by timeoutMs (and by signal). */
export function get(url: string, agent: http.Agent, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  const bound = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, signal: signal ? AbortSignal.any([signal, bound]) : bound }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', reject);
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: HTTP ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
  });
}

export const itemUrl = (baseUrl: string, i: number): string => `${baseUrl}/item/${i}`;

/** The hash of request i's answer: the server answers each index with a seeded token. */
export const answerHash = (i: number, body: string): number => itemHash(i, [Number(body)]);

/** Requests first .. first+count-1, one after another; returns the sum of their hashes. */
export async function getSequentially(
  baseUrl: string,
  first: number,
  count: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number> {
  // A fresh keep-alive agent per run: each run pays for its own connections,
  // and none outlives it.
  const agent = new http.Agent({ keepAlive: true });
  try {
    let sum = 0;
    for (let i = first; i < first + count; i++) {
      sum = addHash(sum, answerHash(i, await get(itemUrl(baseUrl, i), agent, timeoutMs, signal)));
    }
    return sum;
  } finally {
    agent.destroy();
  }
}

/** All requests at once on this thread (Promise.all); returns the sum of their hashes. */
export async function getAllAtOnce(
  baseUrl: string,
  count: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number> {
  const agent = new http.Agent({ keepAlive: true });
  try {
    const one = async (i: number): Promise<number> =>
      answerHash(i, await get(itemUrl(baseUrl, i), agent, timeoutMs, signal));
    const hashes = await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
    return hashes.reduce(addHash, 0);
  } finally {
    agent.destroy();
  }
}
