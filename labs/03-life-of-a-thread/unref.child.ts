/**
 * A child process that starts one idle worker meant to live for a while
 * (argv: 'unref' | 'ref', lifetime ms), reports the worker's lifecycle over
 * IPC, lets go of the IPC channel, and then does nothing. With 'unref' the
 * worker no longer counts as a reason to stay up, so the process exits at
 * once by itself; with 'ref' (the control) it lives as long as the worker.
 * It never calls process.exit: how long it lives is the measurement.
 */
import { Worker } from 'node:worker_threads';
import { clockMs, type ChildEvent, type LifecycleData, type UnrefReport, type WorkerMsg } from './messages.js';

const [mode, lifetimeArg] = process.argv.slice(2);
const unref = mode === 'unref';
const data: LifecycleData = { mode: 'idle', workMs: Number(lifetimeArg) };
const events: ChildEvent[] = [];

const createdAt = clockMs();
const worker = new Worker(new URL('./lifecycle.worker.js', import.meta.url), { workerData: data });
const tid = worker.threadId;
events.push({ event: 'created', at: createdAt, threadId: tid });
worker.once('online', () => events.push({ event: 'online', at: clockMs(), threadId: tid }));

function report(): void {
  const r: UnrefReport = { type: 'unref-report', pid: process.pid, unref, events };
  // The IPC channel is a handle too: keep it open only until the report is out.
  process.send?.(r, () => process.disconnect());
}

worker.on('message', (m: WorkerMsg) => {
  if (m.type !== 'hello') return;
  events.push({ event: 'first message', at: clockMs(), threadId: m.threadId });
  if (unref) {
    worker.unref();
    events.push({ event: 'unref()', at: clockMs(), threadId: tid });
  }
  report();
});
worker.once('error', (e: Error) => {
  events.push({ event: 'error', at: clockMs(), threadId: tid, detail: e.message });
  report();
});
