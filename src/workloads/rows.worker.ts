/** A worker of src/workloads/rows.ts: computes the slice of a job it is sent, in the shared output. */
import { parentPort } from 'node:worker_threads';
import { runRows, type RowReply, type RowTask } from './rows.js';

parentPort?.on('message', (t: RowTask) => {
  const value = runRows(t, t.lo, t.hi);
  parentPort?.postMessage({ type: 'rows-done', id: t.id, value } satisfies RowReply);
});
