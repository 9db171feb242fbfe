/**
 * The entry point of a lab's host: a worker thread (worker host) or a forked
 * child process (process host). It waits for a 'start' message, loads the
 * lab, runs it with a tracked context, and sends back progress and the final
 * report. The CLI's thread never runs lab code.
 */
import { parentPort } from 'node:worker_threads';
import type { HostToLab, LabStart, LabToHost } from './messages.js';
import { Tracker } from './tracker.js';
import { runLabHere } from '../core/context.js';
import { EXIT } from '../core/errors.js';
import type { AnyLab } from '../core/lab.js';

type Send = (m: LabToHost) => void;

function channel(): { send: Send; onMessage: (f: (m: HostToLab) => void) => void } {
  if (parentPort) {
    const port = parentPort;
    return { send: (m) => port.postMessage(m), onMessage: (f) => port.on('message', f) };
  }
  if (process.send) {
    // Our parent is gone (CLI killed): nothing would read our report, and we
    // must not outlive it.
    process.on('disconnect', () => process.exit(EXIT.interrupted));
    return {
      send: (m) => {
        process.send?.(m);
      },
      onMessage: (f) => process.on('message', (m) => f(m as HostToLab)),
    };
  }
  throw new Error('lab-entry must run as a worker thread or a forked child');
}

const { send, onMessage } = channel();
const controller = new AbortController();

// An exception thrown from a timer or callback of the lab, or a promise it
// dropped, would kill this thread or process with nothing reported: make it
// the lab's error instead (runLabHere races run() against this).
let failFatal: (e: unknown) => void = () => {};
const fatal = new Promise<never>((_, reject) => (failFatal = reject));
fatal.catch(() => {});
const describeFatal = (kind: string, e: unknown): Error => {
  const err = e instanceof Error ? e : new Error(String(e));
  err.message = `${kind}: ${err.message}`;
  return err;
};
process.on('uncaughtException', (e) => failFatal(describeFatal('uncaught exception', e)));
process.on('unhandledRejection', (e) => failFatal(describeFatal('unhandled rejection', e)));
let started = false;

onMessage((m) => {
  if (m.type === 'abort') controller.abort(new Error(m.reason));
  else if (m.type === 'start' && !started) {
    started = true;
    void start(m);
  }
});
send({ type: 'ready' });

async function start(m: LabStart): Promise<void> {
  const lab = ((await import(m.labUrl)) as { default: AnyLab }).default;
  const tracker = new Tracker((pid, alive) => send({ type: 'pid', pid, alive }));
  let last = 0;
  const report = await runLabHere({
    lab,
    options: m.options,
    common: m.common,
    host: m.host,
    tracker,
    signal: controller.signal,
    fatal,
    onProgress: (text, fraction) => {
      // Rate-limit: a lab may report progress in a hot loop.
      const now = Date.now();
      if (now - last < 50 && fraction !== 1) return;
      last = now;
      send(fraction === undefined ? { type: 'progress', text } : { type: 'progress', text, fraction });
    },
  });
  send({ type: 'report', report });
  if (!parentPort) {
    // Child process: let IPC flush the report, then leave.
    process.disconnect?.();
  }
}
