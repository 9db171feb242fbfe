/**
 * A child with a life to show. It says it is ready (its first IPC message),
 * then works through items of itemMs each, reporting each one.
 * - mode 'exit': after `items` items it sets its exit code and ends by itself.
 * - mode 'work': it works until it is signalled. On SIGTERM it finishes the
 *   item it is on, says so (its last words), and exits 0. SIGKILL cannot be
 *   handled: it dies mid-item, with nothing said.
 *
 *   node life.child.js <mode> <itemMs> <items> <exitCode>
 */
import { epochNow, type ItemDone, type LastWords, type LifeMode, type Ready } from './messages.js';

const [mode, itemMs, items, exitCode] = [process.argv[2] as LifeMode, Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const send = (m: Ready | ItemDone | LastWords): void => {
  if (process.connected) process.send?.(m);
};

let stopping = false;
process.on('SIGTERM', () => (stopping = true));

/** One item: blocks this process's only thread, as CPU work would (a signal waits for it). */
function item(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, itemMs);
}

let k = 0;
function next(): void {
  if (stopping) {
    // Last words go out before the exit: process.send is asynchronous, so wait for it.
    process.send?.({ type: 'bye', signal: 'SIGTERM', finished: k, at: epochNow() } satisfies LastWords, () => process.exit(0));
    return;
  }
  if (mode === 'exit' && k >= items) {
    process.exitCode = exitCode;
    process.disconnect();
    return;
  }
  item();
  k++;
  send({ type: 'item', item: k, at: epochNow() });
  setImmediate(next);
}

send({ type: 'ready', pid: process.pid, at: epochNow() });
setImmediate(next);
