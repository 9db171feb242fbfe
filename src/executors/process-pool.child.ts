/**
 * One child of the process pool: says it is ready, then runs each task it is
 * sent (runTask) and sends the envelope back. It stops when asked, and when
 * its parent goes away (the IPC channel closes).
 */
import { epochNow } from './executor.js';
import type { ChildReady, ChildResult, PoolToChild } from './messages.js';
import { runTask } from './run-task.js';

const send = (m: ChildReady | ChildResult): void => {
  if (process.connected) process.send?.(m);
};

process.on('message', (m: PoolToChild) => {
  if (m.type === 'stop') process.exit(0);
  else if (m.type === 'run') void runTask(m.task).then((env) => send({ type: 'result', id: m.id, env }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid, at: epochNow() });
