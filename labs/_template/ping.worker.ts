/** The template's worker: answers each ping after the work it asks for. */
import { parentPort } from 'node:worker_threads';
import { busySum } from './busy.js';
import type { PingReply, PingRequest } from './messages.js';

parentPort?.on('message', (m: PingRequest) => {
  parentPort?.postMessage({ type: 'pong', id: m.id, sum: busySum(m.work) } satisfies PingReply);
});
