/**
 * Runs one task where it lands (this thread, a pool thread, a child process):
 * imports the task's module (cached after the first time), calls the export
 * with the arguments, and reports the value or the error with where and when
 * it ran. Never throws: an exception becomes an envelope with ok: false.
 */
import { threadId, isMainThread } from 'node:worker_threads';
import { epochNow, serializeError, type Task, type TaskEnvelope } from './executor.js';

/** "main" on a process's main thread (the lab's or a child's pid), "thread N" in a worker. */
export function whereAmI(): string {
  if (!isMainThread) return `thread ${threadId}`;
  return process.send ? `pid ${process.pid}` : 'main';
}

/** Modules already imported here: a task's module is loaded once per thread or process. */
const modules = new Map<string, Record<string, unknown>>();

export async function runTask(t: Task, worker = whereAmI()): Promise<TaskEnvelope> {
  let start = epochNow();
  try {
    let mod = modules.get(t.module);
    if (!mod) {
      mod = (await import(t.module)) as Record<string, unknown>;
      modules.set(t.module, mod);
    }
    const fn = mod[t.fn];
    if (typeof fn !== 'function') throw new TypeError(`${t.module} has no function export named ${t.fn}`);
    start = epochNow();
    const value: unknown = await (fn as (...a: readonly unknown[]) => unknown)(...t.args);
    return { ok: true, value, worker, start, end: epochNow() };
  } catch (e) {
    return { ok: false, error: serializeError(e), worker, start, end: epochNow() };
  }
}
