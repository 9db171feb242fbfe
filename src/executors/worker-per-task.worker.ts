/** A worker that lives for one task: runs the task in workerData, posts the envelope, and ends. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Task } from './executor.js';
import { runTask } from './run-task.js';

const env = await runTask((workerData as { task: Task }).task);
parentPort?.postMessage(env);
