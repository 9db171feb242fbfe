/**
 * The I/O-bound workload as an executor task: GET a batch of items from the
 * delay server (delay-server.ts), all at once, and return their bodies in
 * item order. Run on the lab's own thread it is one event loop with every
 * request in flight; in a pool, each thread or process does the same with
 * its share.
 */
import { get } from './http-get.js';
import { itemPath } from './delay-server.js';

/** This module's URL: what a task names. */
export const HTTP_BATCH_URL = new URL(import.meta.url);

/** Every item's body, in the order given; rejects on the first failed request (bounded by timeoutMs each). */
export function fetchItems(baseUrl: string, items: readonly number[], timeoutMs = 30_000): Promise<string[]> {
  return Promise.all(items.map((i) => get(`${baseUrl}${itemPath(i)}`, { timeoutMs })));
}
