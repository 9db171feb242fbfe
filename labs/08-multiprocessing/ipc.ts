/**
 * Messages between processes: process.send() with 'json' serialization
 * (JSON.stringify, one line per message) against 'advanced' (the structured
 * clone, V8's serializer), and raw bytes down a stdio pipe, for several
 * message sizes. One way: the lab sends, the child counts what it got and
 * sends its tally back. Processes share no memory in Node: every byte is
 * copied through the kernel, so there is no ring buffer in shared memory as in
 * lab 5.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LabContext } from '../../src/core/lab.js';
import { median } from '../../src/measure/stats.js';
import { isTally, type IpcEnd, type IpcTally, type Payload } from './messages.js';

export const IPC_CHILD = new URL('./ipc.child.js', import.meta.url);

export interface IpcOptions {
  /** Message sizes, bytes. */
  sizes: readonly number[];
  /** Bytes sent per run and size (at least 20 messages, at most maxMessages). */
  budget: number;
  maxMessages: number;
  /** The child's entry file (the seam for the check's fault test). */
  child?: URL;
}

type Mode = 'json' | 'advanced' | 'pipe';
const MODES: readonly Mode[] = ['json', 'advanced', 'pipe'];
const BOUND_MS = 30_000;

interface Run {
  ms: number;
  sent: number;
  bytes: number;
  got: { messages: number; bytes: number; outOfOrder: number };
}

async function channelRun(ctx: LabContext<unknown>, child: ChildProcess, size: number, count: number): Promise<Run> {
  const data = 'x'.repeat(size);
  const tally = ctx.nextMessage<IpcTally>(child, BOUND_MS, 'the IPC tally', isTally);
  const t0 = performance.now();
  for (let seq = 0; seq < count; seq++) child.send({ seq, data } satisfies Payload);
  child.send({ type: 'end' } satisfies IpcEnd);
  const got = await tally;
  return { ms: performance.now() - t0, sent: count, bytes: count * size, got };
}

async function pipeRun(ctx: LabContext<unknown>, url: URL, size: number, count: number, pids: number[]): Promise<Run> {
  const child = ctx.spawn(process.execPath, [fileURLToPath(url), 'pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
  pids.push(child.pid ?? -1);
  const stdin = child.stdin as NonNullable<typeof child.stdin>;
  const lines: string[] = [];
  let buf = '';
  let wake = (): void => {};
  child.stdout?.on('data', (b: Buffer) => {
    buf += b.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    wake();
  });
  const line = (k: number, what: string): Promise<string> =>
    ctx.withTimeout(
      new Promise<string>((resolve) => {
        const look = (): void => {
          if (lines.length > k) resolve(lines[k] as string);
        };
        wake = look;
        look();
      }),
      BOUND_MS,
      what,
    );
  // The child says it is reading before anything is timed.
  await line(0, 'the pipe child');
  const chunk = Buffer.alloc(size, 120);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    if (!stdin.write(chunk)) await ctx.withTimeout(new Promise((r) => stdin.once('drain', r)), BOUND_MS, 'the pipe to drain');
  }
  stdin.end();
  const bytes = Number(await line(1, "the pipe child's count"));
  const ms = performance.now() - t0;
  await ctx.waitForExit(child, BOUND_MS, 'the pipe child');
  return { ms, sent: count, bytes: count * size, got: { messages: count, bytes, outOfOrder: 0 } };
}

export async function ipcThroughput(ctx: LabContext<unknown>, o: IpcOptions): Promise<{ pids: number[] }> {
  const url = o.child ?? IPC_CHILD;
  const pids: number[] = [];
  const channels = new Map<Mode, ChildProcess>();
  for (const mode of ['json', 'advanced'] as const) {
    const c = ctx.fork(url, [], { serialization: mode, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    pids.push(c.pid ?? -1);
    channels.set(mode, c);
    // A first, empty round: the child is up and listening before anything is timed.
    const ready = ctx.nextMessage(c, BOUND_MS, `the ${mode} child`, isTally);
    c.send({ type: 'end' } satisfies IpcEnd);
    await ready;
  }
  const rows = [];
  const wrong: string[] = [];
  for (const [i, size] of o.sizes.entries()) {
    const count = Math.max(20, Math.min(o.maxMessages, Math.round(o.budget / size)));
    const row: Record<string, number> = { size, count };
    for (const mode of MODES) {
      ctx.progress(`IPC: ${mode}, ${size} B`, (i * MODES.length + MODES.indexOf(mode)) / (o.sizes.length * MODES.length));
      const runs: Run[] = [];
      for (let r = 0; r < ctx.repeat; r++) {
        if (mode === 'pipe') runs.push(await pipeRun(ctx, url, size, count, pids));
        else runs.push(await channelRun(ctx, channels.get(mode) as ChildProcess, size, count));
      }
      for (const run of runs)
        if (run.got.messages !== run.sent || run.got.bytes !== run.bytes || run.got.outOfOrder)
          wrong.push(`${mode} ${size} B: ${run.got.messages}/${run.sent} msgs, ${run.got.bytes}/${run.bytes} B`);
      const rate = runs.map((x) => (x.sent / x.ms) * 1000);
      ctx.metric({ name: 'messages per second', unit: 'msg/s', better: 'higher', variant: { mode, size }, samples: rate });
      row[`${mode}Rate`] = median(rate);
      row[`${mode}MB`] = (median(rate) * size) / 1e6;
    }
    rows.push(row);
  }
  for (const c of channels.values()) {
    c.disconnect();
    await ctx.waitForExit(c, BOUND_MS, 'an IPC child');
  }
  ctx.table({
    title: 'IPC, one way: the child counts what arrives',
    columns: [
      { key: 'size', label: 'size', unit: 'B' },
      { key: 'count', label: 'msgs' },
      { key: 'jsonRate', label: 'json', unit: 'msg/s' },
      { key: 'jsonMB', label: 'json', unit: 'MB/s' },
      { key: 'advancedRate', label: 'advanced', unit: 'msg/s' },
      { key: 'advancedMB', label: 'advanced', unit: 'MB/s' },
      { key: 'pipeMB', label: 'pipe', unit: 'MB/s' },
    ],
    rows,
    note:
      `${ctx.repeat === 1 ? 'one run' : `median of ${ctx.repeat} runs`}. A message is {seq, data: a string of size bytes}; the pipe carries raw chunks of size bytes ` +
      '(no message boundaries). Processes share no memory in Node: no SharedArrayBuffer crosses a process boundary, every byte ' +
      "is copied through the kernel, so lab 5's ring buffer in shared memory has no equivalent here.",
  });
  ctx.check('every message and byte arrives', wrong.length === 0, wrong.length ? wrong.slice(0, 2).join('; ') : `${o.sizes.length} sizes x json, advanced, pipe`);
  return { pids };
}
