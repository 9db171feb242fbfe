/**
 * The I/O workload's server: a real node:http server on 127.0.0.1 (port 0,
 * so the kernel picks a free one) that answers each request after a fixed
 * delay. The delay stands for a slow disk, database or remote API: the
 * client waits, nobody's CPU works.
 *
 * It is also the witness of what clients really do, counted at the server:
 * how many requests are in flight at once (and the most ever), how many were
 * answered, and which ones the client gave up on (the connection closed
 * before the answer: a cancelled or timed-out request). An aborted request's
 * timer is cleared, so cancelling really stops the work.
 *
 *   GET /item/<i>               200 after the server's delay, body: body(i)
 *   GET /item/<i>?delay=<ms>    the same after <ms> instead (0 to maxDelayMs)
 *   GET /item/<i>?status=<code> answers <code> (400-599) at once
 *
 * Used by lab 9 (fan-out under a limit, gather / race / timeout / cancel);
 * written so that lab 1's I/O workload and lab 12's I/O-bound requests can
 * use it too.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { withTimeout } from '../core/wait.js';

export interface DelayServerOptions {
  /** The default delay before each answer, ms. */
  delayMs: number;
  /** The largest ?delay= accepted (default 60 s). */
  maxDelayMs?: number;
  /** The body for item i (default String(i)); undefined answers 404. */
  body?: (i: number) => string | undefined;
}

/** Counters at the server; maxInFlight is the most requests open at once since the last reset. */
export interface DelayServerStats {
  received: number;
  served: number;
  aborted: number;
  failed: number;
  inFlight: number;
  maxInFlight: number;
}

/** One request as the server saw it end. */
export interface RequestEvent {
  item: number;
  path: string;
  /** ms from the request's arrival to its answer or abort. */
  ms: number;
}

export interface DelayServer {
  readonly baseUrl: string;
  readonly port: number;
  readonly delayMs: number;
  stats(): DelayServerStats;
  /** Zero the counters; maxInFlight restarts from the requests open now. */
  resetStats(): void;
  /** 'served', 'aborted' (a RequestEvent each) and 'request' (the item) as they happen. */
  readonly events: EventEmitter;
  /** Stop: answers nothing more, drops open connections; bounded, never throws. */
  close(): Promise<void>;
}

export const itemPath = (i: number, q: { delay?: number; status?: number } = {}): string => {
  const params = [q.delay !== undefined ? `delay=${q.delay}` : '', q.status !== undefined ? `status=${q.status}` : ''].filter(Boolean);
  return `/item/${i}${params.length ? `?${params.join('&')}` : ''}`;
};

const ITEM = /^\/item\/(\d+)(?:\?(.*))?$/;

export async function startDelayServer(o: DelayServerOptions): Promise<DelayServer> {
  const maxDelay = o.maxDelayMs ?? 60_000;
  const body = o.body ?? ((i: number) => String(i));
  const events = new EventEmitter();
  const pending = new Set<NodeJS.Timeout>();
  const s: DelayServerStats = { received: 0, served: 0, aborted: 0, failed: 0, inFlight: 0, maxInFlight: 0 };

  const server = http.createServer((req, res) => {
    const t0 = performance.now();
    const path = req.url ?? '';
    const m = ITEM.exec(path);
    const item = m ? Number(m[1]) : -1;
    const q = new URLSearchParams(m?.[2] ?? '');
    const delay = q.has('delay') ? Number(q.get('delay')) : o.delayMs;
    const status = q.has('status') ? Number(q.get('status')) : 200;
    const text = item >= 0 ? body(item) : undefined;
    if (text === undefined || !Number.isFinite(delay) || delay < 0 || delay > maxDelay || !(status === 200 || (status >= 400 && status <= 599))) {
      s.failed++;
      res.writeHead(404).end();
      return;
    }
    if (status !== 200) {
      s.failed++;
      res.writeHead(status).end();
      return;
    }
    s.received++;
    s.inFlight++;
    if (s.inFlight > s.maxInFlight) s.maxInFlight = s.inFlight;
    events.emit('request', item);
    let open = true;
    const end = (): void => {
      open = false;
      s.inFlight--;
    };
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!open) return;
      end();
      s.served++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
      events.emit('served', { item, path, ms: performance.now() - t0 } satisfies RequestEvent);
    }, delay);
    pending.add(timer);
    // The connection closed before the answer: the client gave up. Stop the work.
    res.once('close', () => {
      if (!open) return;
      clearTimeout(timer);
      pending.delete(timer);
      end();
      s.aborted++;
      events.emit('aborted', { item, path, ms: performance.now() - t0 } satisfies RequestEvent);
    });
  });
  // Far above any run's pile of connections (a fan-out opens one per request in flight).
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
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    delayMs: o.delayMs,
    events,
    stats: () => ({ ...s }),
    resetStats: () => {
      Object.assign(s, { received: 0, served: 0, aborted: 0, failed: 0, maxInFlight: s.inFlight });
    },
    close: () =>
      (closing ??= (async () => {
        for (const t of pending) clearTimeout(t);
        pending.clear();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive sockets would hold close() open until they idle out.
        server.closeAllConnections();
        await withTimeout(closed, 2000, 'the HTTP server to close').catch(() => {});
        events.removeAllListeners();
      })()),
  };
}
