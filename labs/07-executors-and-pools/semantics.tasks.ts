/**
 * Tasks that show an executor's semantics: one that throws, one that calls
 * process.exit(), one that holds its worker for a while, one that only
 * counts itself. Each that counts marks a shared counter when it starts, so
 * the lab can prove (not assume) which tasks ran:
 * - where memory is shared (threads, the lab's own thread), a
 *   SharedArrayBuffer: slot i counts the runs of task i;
 * - across processes, which share no memory, a file each task appends its
 *   index to.
 */
import { appendFileSync, readFileSync } from 'node:fs';

export const SEMANTICS_TASKS_URL = new URL(import.meta.url);

export interface Counter {
  sab?: SharedArrayBuffer;
  file?: string;
}

/** A counter for `slots` tasks: in shared memory when the executor shares it, else in a file. */
export function newCounter(sharesMemory: boolean, slots: number, file: string): Counter {
  return sharesMemory ? { sab: new SharedArrayBuffer(4 * slots) } : { file };
}

function mark(c: Counter | null, i: number): void {
  if (c?.sab) Atomics.add(new Int32Array(c.sab), i, 1);
  else if (c?.file) appendFileSync(c.file, `${i}\n`);
}

/** How many times each task index ran, read on the lab's side. */
export function runsOf(c: Counter, slots: number): number[] {
  const n = new Array<number>(slots).fill(0);
  if (c.sab) {
    const a = new Int32Array(c.sab);
    for (let i = 0; i < slots; i++) n[i] = Atomics.load(a, i);
  } else if (c.file) {
    let text = '';
    try {
      text = readFileSync(c.file, 'utf8');
    } catch {
      /* no task has written yet */
    }
    for (const line of text.split('\n')) if (line) n[Number(line)] = (n[Number(line)] ?? 0) + 1;
  }
  return n;
}

/** Block this thread for ms without using the CPU. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export const THROWN_MESSAGE = 'task 7 found an odd number that is even';

/** Throws: its message and this file must reach the caller. */
export function fail(message: string): never {
  throw new RangeError(message);
}

/** Ends whatever runs it: a pool thread, a child process, or (sequential) the lab itself. */
export function exitNow(code: number): never {
  process.exit(code);
}

/** Marks its start, holds its worker for ms, returns its index. */
export function hold(c: Counter | null, i: number, ms: number): number {
  mark(c, i);
  sleepSync(ms);
  return i;
}

/** Marks that it ran and returns its index. */
export function tick(c: Counter | null, i: number): number {
  mark(c, i);
  return i;
}

/** Arrivals so far at a meeting. */
function arrivals(c: Counter, n: number): number {
  return runsOf(c, n).reduce((a, b) => a + b, 0);
}

/**
 * Marks its arrival as task i of n, then waits (sleeping) until all n have
 * arrived or timeoutMs has passed. True when it saw all n: they were running
 * at the same time, whatever the machine's scheduling delays.
 */
export function meet(c: Counter, i: number, n: number, timeoutMs: number): boolean {
  mark(c, i);
  const t0 = Date.now();
  while (arrivals(c, n) < n) {
    if (Date.now() - t0 > timeoutMs) return false;
    sleepSync(2);
  }
  return true;
}
