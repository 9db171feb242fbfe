import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { itemPath, startDelayServer, type DelayServer } from '../../src/workloads/delay-server.js';
import { get, HttpStatusError } from '../../src/workloads/http-get.js';

let server: DelayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the delay server and its client', () => {
  it('answers after its delay, on 127.0.0.1, and counts what it served', async () => {
    server = await startDelayServer({ delayMs: 30 });
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const t0 = performance.now();
    expect(await get(server.baseUrl + itemPath(5))).toBe('5');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    expect(server.stats()).toMatchObject({ received: 1, served: 1, aborted: 0, inFlight: 0, maxInFlight: 1 });
  });

  it('counts requests in flight at once, at the server', async () => {
    server = await startDelayServer({ delayMs: 40 });
    const agent = new http.Agent({ keepAlive: true });
    try {
      const s = server;
      await Promise.all(Array.from({ length: 6 }, (_, i) => get(s.baseUrl + itemPath(i), { agent })));
    } finally {
      agent.destroy();
    }
    expect(server.stats().maxInFlight).toBe(6);
    server.resetStats();
    expect(server.stats()).toMatchObject({ received: 0, served: 0, maxInFlight: 0 });
  });

  it('sees an aborted request go, and stops its work', async () => {
    server = await startDelayServer({ delayMs: 20 });
    const aborted = new Promise<{ item: number; ms: number }>((r) => server?.events.once('aborted', r));
    const arrived = new Promise((r) => server?.events.once('request', r));
    const ac = new AbortController();
    const p = get(server.baseUrl + itemPath(3, { delay: 5000 }), { signal: ac.signal });
    // Cancel once the server has the request (one that never got there cannot be seen aborted).
    await arrived;
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    const ev = await aborted;
    expect(ev.item).toBe(3);
    expect(ev.ms).toBeLessThan(1000);
    expect(server.stats()).toMatchObject({ aborted: 1, served: 0, inFlight: 0 });
  });

  it('a timeout rejects with TimeoutError and the server sees the abort', async () => {
    server = await startDelayServer({ delayMs: 20 });
    const aborted = new Promise((r) => server?.events.once('aborted', r));
    const arrived = new Promise((r) => server?.events.once('request', r));
    await expect(get(server.baseUrl + itemPath(1, { delay: 5000 }), { timeoutMs: 300 })).rejects.toMatchObject({ name: 'TimeoutError' });
    await arrived;
    await aborted;
    expect(server.stats().aborted).toBe(1);
  });

  it('answers ?status= at once and 404 for what it does not know', async () => {
    server = await startDelayServer({ delayMs: 1000 });
    await expect(get(server.baseUrl + itemPath(1, { status: 503 }))).rejects.toBeInstanceOf(HttpStatusError);
    await expect(get(server.baseUrl + '/nothing')).rejects.toMatchObject({ status: 404 });
    await expect(get(server.baseUrl + itemPath(1, { delay: 10 ** 9 }))).rejects.toMatchObject({ status: 404 });
    expect(server.stats()).toMatchObject({ failed: 3, received: 0 });
  });

  it('close() drops open connections and is bounded', async () => {
    server = await startDelayServer({ delayMs: 60_000 });
    const p = get(server.baseUrl + itemPath(1));
    p.catch(() => {});
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    await server.close();
    expect(performance.now() - t0).toBeLessThan(2500);
    await expect(p).rejects.toThrow();
  });
});
