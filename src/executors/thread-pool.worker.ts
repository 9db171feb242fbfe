/**
 * The thread pool's task entry: piscina calls the default export with the
 * task; it runs the task's own module and export (runTask) and returns the
 * envelope, so one pool serves any workload.
 */
import type { Task, TaskEnvelope } from './executor.js';
import { runTask } from './run-task.js';

export default function run(t: Task): Promise<TaskEnvelope> {
  return runTask(t);
}
