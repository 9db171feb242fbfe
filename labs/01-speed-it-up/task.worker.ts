/**
 * One share of a workload. This file runs both as a worker thread (parentPort)
 * and as a forked child process (process.send): the work and the messages are
 * the same, only the vehicle differs, which is what the lab compares.
 *
 * Protocol: post 'ready' as soon as the module runs (the lab times start-up
 * to this message), do each 'job' and post its 'result' (a pooled task gets
 * one job per timed run), and leave on 'quit'.
 * The task never leaves on its own: a child that exited right after sending
 * could have its 'exit' seen by the parent before its last message.
 */
import { parentPort } from 'node:worker_threads';
import type { FromTask, Job, ResultMessage, ToTask } from './messages.js';
import { factorSlice } from './checksum.js';
import { getSequentially } from './http-client.js';

const port = parentPort;

function send(m: FromTask): void {
  if (port) port.postMessage(m);
  else process.send?.(m);
}

const ms = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;

async function doJob(job: Job): Promise<ResultMessage> {
  const before = process.cpuUsage();
  let checksum: number;
  let items: number;
  if (job.kind === 'cpu') {
    checksum = factorSlice(job.numbers, job.offset).checksum;
    items = job.numbers.length;
  } else {
    checksum = await getSequentially(job.baseUrl, job.first, job.count, job.timeoutMs);
    items = job.count;
  }
  const jobCpuMs = ms(process.cpuUsage(before));
  return { type: 'result', checksum, items, jobCpuMs, processCpuMs: ms(process.cpuUsage()) };
}

function onMessage(m: ToTask): void {
  if (m.type === 'quit') {
    // With no listener left the event loop empties and the thread or process ends.
    if (port) port.off('message', onMessage);
    else {
      process.off('message', onMessage);
      process.disconnect?.();
    }
    return;
  }
  void doJob(m.job).then(send, (e: unknown) => {
    // Thrown outside the promise chain, it becomes the thread's 'error' event or
    // the child's non-zero exit, which the lab's bounded wait reports.
    setImmediate(() => {
      throw e;
    });
  });
}

if (port) port.on('message', onMessage);
else if (process.send) process.on('message', onMessage);
else throw new Error('task.worker.js must run as a worker thread or a forked child');
send({ type: 'ready' });
