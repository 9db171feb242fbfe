/**
 * A child process with its own libuv thread pool (UV_THREADPOOL_SIZE is read
 * once, when the pool starts, so each pool size needs its own process).
 *
 * It queues k fs.open() calls at once, each on its own FIFO (argv: the FIFOs'
 * path prefix, k, hold ms; the FIFOs are <prefix>0 .. <prefix>(k-1)). Opening a FIFO for reading blocks until something opens it
 * for writing, so each call that a pool thread takes up holds that thread,
 * asleep, burning no CPU; the calls the pool has no thread for wait in its
 * queue. Every hold ms a gate opens the write end of every FIFO that has a
 * reader blocked on it (an open with O_NONBLOCK fails with ENXIO where there
 * is none), which completes exactly the calls that held a pool thread. The
 * freed threads take up the next calls, and so k calls complete in waves of
 * pool-size calls, hold ms apart, whatever the number of cores.
 *
 * Before each opening the gate waits until no other thread of this process is
 * runnable (Linux: /proc/self/task/<tid>/stat): every pool thread has either
 * blocked on its next FIFO or gone idle, so a thread the scheduler was slow
 * to run still makes its wave.
 */
import { closeSync, constants, existsSync, open, openSync, readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { machineBusyMs, othersCores } from '../../src/measure/contention.js';
import type { GateReport } from './messages.js';

const [prefix = '', tasksArg, holdArg] = process.argv.slice(2);
const tasks = Number(tasksArg);
const holdMs = Number(holdArg);
const fifos = Array.from({ length: tasks }, (_, i) => `${prefix}${i}`);
/** How long the gate waits for the pool's threads to settle before it opens anyway. */
const SETTLE_BOUND_MS = 200;
/** Openings that found no call blocked, in a row, after which the pool is taken to be stuck. */
const EMPTY_LIMIT = 50;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const TASKS = '/proc/self/task';
/** Threads of this process, other than this one, that are running or waiting for a CPU. */
function othersRunnable(): number {
  let n = 0;
  for (const tid of readdirSync(TASKS)) {
    if (Number(tid) === process.pid) continue;
    try {
      const s = readFileSync(`${TASKS}/${tid}/stat`, 'utf8');
      if (s[s.lastIndexOf(')') + 2] === 'R') n++;
    } catch {
      /* the thread ended meanwhile */
    }
  }
  return n;
}

/** Wait until the pool's threads are all asleep (bounded); false if they were not by then. */
async function settled(): Promise<boolean> {
  if (!existsSync(TASKS)) return true; // no /proc: the hold alone has to do
  const until = performance.now() + SETTLE_BOUND_MS;
  while (othersRunnable() > 0) {
    if (performance.now() > until) return false;
    await sleep(1);
  }
  return true;
}

const ownCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// libuv starts its pool's threads at the first request: have them up before timing.
await stat(fifos[0] ?? '.');

const busy0 = machineBusyMs();
const own0 = ownCpuMs();
const t0 = performance.now();
const completions = new Array<number>(tasks).fill(NaN);
const writers = new Array<number>(tasks).fill(-1);
const onDone = new Map<number, () => void>();
for (const [i, path] of fifos.entries())
  open(path, 'r', (e, fd) => {
    if (e) throw e;
    completions[i] = performance.now() - t0;
    closeSync(fd);
    closeSync(writers[i] as number);
    onDone.get(i)?.();
  });

const waiting = new Set(fifos.keys());
const released: number[] = [];
let unsettled = 0;
let empty = 0;
while (waiting.size > 0) {
  await sleep(holdMs);
  if (!(await settled())) unsettled++;
  const now: Promise<void>[] = [];
  // From the last call down: libuv takes queued calls in order, so a thread this
  // opening frees takes up a later call, one the loop has already passed.
  for (let i = tasks - 1; i >= 0; i--) {
    if (!waiting.has(i)) continue;
    try {
      writers[i] = openSync(fifos[i] as string, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENXIO') continue; // no reader yet: still queued
      throw e;
    }
    waiting.delete(i);
    now.push(new Promise((resolve) => onDone.set(i, resolve)));
  }
  released.push(now.length);
  if (now.length === 0 && ++empty >= EMPTY_LIMIT) throw new Error(`no call reached the pool in ${EMPTY_LIMIT} openings`);
  if (now.length > 0) empty = 0;
  // The next hold starts when this wave has completed.
  await Promise.all(now);
}
const wallMs = performance.now() - t0;
const busy1 = machineBusyMs();

const r: GateReport = {
  type: 'gate-report',
  poolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
  completions,
  released,
  unsettled,
  othersCores: othersCores(busy0 === null || busy1 === null ? null : busy1 - busy0, ownCpuMs() - own0, wallMs),
};
process.send?.(r, () => process.disconnect());
