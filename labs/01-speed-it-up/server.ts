/**
 * The I/O workload's server: a real node:http server on 127.0.0.1 (port 0,
 * so the kernel picks a free one) that answers GET /item/<i> with a seeded
 * token after a fixed delay. The delay stands for a slow disk, database or
 * remote API: the client waits, its CPU does not work.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { withTimeout } from '../../src/core/wait.js';

export interface DelayServer {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startDelayServer(tokens: Uint32Array, delayMs: number): Promise<DelayServer> {
  const pending = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const m = /^\/item\/(\d+)$/.exec(req.url ?? '');
    const i = m ? Number(m[1]) : -1;
    const token = tokens[i];
    if (token === undefined) {
      res.writeHead(404).end();
      return;
    }
    const t = setTimeout(() => {
      pending.delete(t);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(String(token));
    }, delayMs);
    pending.add(t);
  });
  // Far above any run's pile of connections (the async variant opens one per request).
  server.maxConnections = 10_000;
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    }),
    5000,
    'the HTTP server to listen',
  );
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const t of pending) clearTimeout(t);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets would hold close() open until they idle out.
      server.closeAllConnections();
      await withTimeout(closed, 2000, 'the HTTP server to close').catch(() => {});
    },
  };
}
