/**
 * The asyncio calls of the book, in Node terms, each against the delay
 * server and timed: gather (Promise.all), the first completed (Promise.race),
 * the first success (Promise.any), all settled (allSettled, asyncio's
 * return_exceptions), a timeout (AbortSignal.timeout, asyncio.wait_for) and
 * cancellation (AbortController, task.cancel()). A promise cannot be
 * cancelled; the work behind it stops only when its signal aborts the
 * request, and the server is the witness: it sees the connection go.
 */
import type { LabContext } from '../../src/core/lab.js';
import { itemPath, type DelayServer, type RequestEvent } from '../../src/workloads/delay-server.js';
import { get as realGet, HttpStatusError, type Get } from '../../src/workloads/http-get.js';

export interface CallsOptions {
  server: DelayServer;
  /** The server's delay for a request that is cancelled before it finishes, ms (default 2000: the server would work that long). */
  longMs?: number;
  /** How long to wait for the server to see a cancelled request go, ms (default 2000). */
  abortWaitMs?: number;
  /** The client: the seam a fault test replaces with a "cancel" that never aborts the request. */
  get?: Get;
}

interface Row {
  call: string;
  node: string;
  ms: number;
  result: string;
  server: string;
}

/** Runs of a row with a cancelled request that never reached the server. */
const TRIES = 3;

const errName = (e: unknown): string => (e instanceof HttpStatusError ? String(e.status) : ((e as Error)?.name ?? String(e)));

export async function asyncioCalls(ctx: LabContext<unknown>, o: CallsOptions): Promise<void> {
  const { server } = o;
  const get = o.get ?? realGet;
  const d = server.delayMs;
  const long = o.longMs ?? 2000;
  const url = (i: number, q: { delay?: number; status?: number } = {}): string => server.baseUrl + itemPath(i, q);
  const bound = 10_000 + long;
  const fetch = (i: number, q: { delay?: number; status?: number }, signal?: AbortSignal, timeoutMs?: number): Promise<string> =>
    get(url(i, q), { signal: signal ? AbortSignal.any([signal, ctx.signal]) : ctx.signal, timeoutMs: timeoutMs ?? bound });

  const aborted = new Map<number, number>();
  const served = new Set<number>();
  const received = new Set<number>();
  const onAbort = (e: RequestEvent): void => void aborted.set(e.item, e.ms);
  const onServed = (e: RequestEvent): void => void served.add(e.item);
  const onRequest = (item: number): void => void received.add(item);
  server.events.on('aborted', onAbort);
  server.events.on('served', onServed);
  server.events.on('request', onRequest);

  /** Wait (bounded) until the server has nothing open, then say what it saw since the row began. */
  const serverSaw = async (): Promise<string> => {
    const until = performance.now() + bound;
    while (server.stats().inFlight > 0 && performance.now() < until) await ctx.sleep(2);
    const s = server.stats();
    return [s.served && `${s.served} ok`, s.aborted && `${s.aborted} aborted`, s.failed && `${s.failed} failed`, s.inFlight && `${s.inFlight} open`]
      .filter(Boolean)
      .join(', ');
  };
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  const cancelled: number[] = [];
  let retried = 0;
  /**
   * One call, timed. `cancels`: the requests it cancels. Client and server
   * share this thread, so a stall right after a request goes out can let the
   * cancel fire before the server has read it; such a request never reached
   * the server, which then cannot see it go: the row is run again (TRIES).
   */
  const row = async (key: string, call: string, node: string, f: () => Promise<{ value: unknown; text: string }>, cancels: number[] = []): Promise<void> => {
    for (let tries = 1; ; tries++) {
      for (const i of cancels) {
        received.delete(i);
        aborted.delete(i);
        served.delete(i);
      }
      server.resetStats();
      const t0 = performance.now();
      const r = await f();
      const ms = performance.now() - t0;
      const saw = await serverSaw();
      if (tries < TRIES && !cancels.every((i) => received.has(i))) {
        retried++;
        continue;
      }
      results[key] = r.value;
      rows.push({ call, node, ms, result: r.text, server: saw });
      cancelled.push(...cancels);
      return;
    }
  };

  try {
    ctx.progress('gather, race, timeout, cancel');
    await row('gather', 'gather', 'Promise.all', async () => {
      const v = await Promise.all([fetch(1, { delay: d }), fetch(2, { delay: 2 * d }), fetch(3, { delay: 3 * d })]);
      return { value: v, text: v.join(',') };
    });
    await row('firstCompleted', 'first done', 'Promise.race', async () => {
      const v = await Promise.race([fetch(4, { delay: d }), fetch(5, { delay: 2 * d }), fetch(6, { delay: 3 * d })]);
      return { value: v, text: v };
    });
    await row('firstCompletedCancel', '+ cancel rest', 'abort() the rest', async () => {
      const acs = [new AbortController(), new AbortController(), new AbortController()];
      const ps = [fetch(7, { delay: d }, acs[0]?.signal), fetch(8, { delay: long }, acs[1]?.signal), fetch(9, { delay: long }, acs[2]?.signal)];
      for (const p of ps) p.catch(() => {});
      const v = await Promise.race(ps);
      for (const ac of acs) ac.abort();
      return { value: v, text: v };
    }, [8, 9]);
    await row('firstSuccess', 'first success', 'Promise.any', async () => {
      const v = await Promise.any([fetch(10, { status: 500 }), fetch(11, { delay: 2 * d }), fetch(12, { delay: 3 * d })]);
      return { value: v, text: v };
    });
    await row('allSettled', 'gather, exc.', 'allSettled', async () => {
      const v = await Promise.allSettled([fetch(13, { delay: d }), fetch(14, { status: 503 }), fetch(15, { delay: 2 * d })]);
      const text = v.map((s) => (s.status === 'fulfilled' ? 'ok' : errName(s.reason)));
      return { value: text, text: text.join(',') };
    });
    await row('timeout', 'wait_for', 'AbortSignal.timeout', async () => {
      try {
        const v = await fetch(16, { delay: long }, undefined, 2 * d);
        return { value: v, text: v };
      } catch (e) {
        return { value: errName(e), text: errName(e) };
      }
    }, [16]);
    await row('cancel', 'task.cancel()', 'AbortController', async () => {
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), d);
      try {
        const v = await fetch(17, { delay: long }, ac.signal);
        return { value: v, text: v };
      } catch (e) {
        return { value: errName(e), text: errName(e) };
      } finally {
        clearTimeout(t);
      }
    }, [17]);

    // The server's view of the cancelled requests: seen to go, or (had the work gone on) answered.
    const until = performance.now() + (o.abortWaitMs ?? 2000);
    while (cancelled.some((i) => !aborted.has(i) && !served.has(i)) && performance.now() < until) await ctx.sleep(5);
  } finally {
    server.events.off('aborted', onAbort);
    server.events.off('served', onServed);
    server.events.off('request', onRequest);
  }

  ctx.table({
    title: `The asyncio calls in Node terms (server delay ${d} ms)`,
    columns: [
      { key: 'call', label: 'asyncio' },
      { key: 'node', label: 'Node' },
      { key: 'ms', label: 'ms' },
      { key: 'result', label: 'result' },
      { key: 'server', label: 'server' },
    ],
    rows: rows.map((r) => ({ ...r })),
    note:
      `requests wait ${d}, ${2 * d} or ${3 * d} ms; "+ cancel rest" and the last two ask for ${long} ms and are cut short. ` +
      'Promise.race and Promise.any settle early but leave the losers running: the server still answers them.' +
      (retried ? ` ${retried} row(s) were run again: a cancelled request had not reached the server yet.` : ''),
  });
  ctx.output('calls.results', results);
  ctx.output(
    'calls.server',
    Object.fromEntries(rows.map((r, i) => [Object.keys(results)[i] ?? r.call, r.server])),
  );

  const missing = cancelled.filter((i) => !aborted.has(i));
  ctx.check(
    'cancelled requests seen aborted by the server',
    missing.length === 0,
    missing.length
      ? `not aborted at the server: ${missing.map((i) => `#${i}${served.has(i) ? ' (answered)' : received.has(i) ? '' : ' (never arrived)'}`).join(', ')}`
      : `${cancelled.length}/${cancelled.length}, in ${Math.min(...cancelled.map((i) => aborted.get(i) ?? 0)).toFixed(0)}-${Math.max(...cancelled.map((i) => aborted.get(i) ?? 0)).toFixed(0)} ms`,
  );
}
