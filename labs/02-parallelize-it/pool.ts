/**
 * The persistent pool of work workers. They are started and JIT-warmed
 * before any timing, so a timed job measures the split of the work (what
 * Amdahl's law is about) and not thread start-up.
 */
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import { addSums } from './kernel.js';
import type { WorkInit, WorkReply, WorkRequest } from './messages.js';

type Ctx = Pick<LabContext<unknown>, 'worker' | 'nextMessage'>;

const WORKER_URL = new URL('./work.worker.js', import.meta.url);
/** Bound on one reply: generous for a loaded machine, short of the lab's --timeout. */
const REPLY_MS = 60_000;

export class WorkPool {
  private nextId = 0;
  private constructor(
    private readonly ctx: Ctx,
    private readonly workers: Worker[],
    /** Wall time from creating the workers to all of them ready (warm), ms. */
    readonly startupMs: number,
  ) {}

  /** `url` is the worker file: tests pass a broken one (test/fixtures/faults/lab-02). */
  static async start(ctx: Ctx, size: number, init: WorkInit, url = WORKER_URL): Promise<WorkPool> {
    const t0 = performance.now();
    const workers = Array.from({ length: size }, () => ctx.worker(url, { workerData: init }));
    await Promise.all(
      workers.map((w, i) => ctx.nextMessage(w, REPLY_MS, `work worker ${i} ready`, (m) => (m as WorkReply).type === 'ready')),
    );
    return new WorkPool(ctx, workers, performance.now() - t0);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Units [from, to) on worker i: their checksum and the worker's own time. */
  async range(i: number, from: number, to: number): Promise<{ sum: number; ms: number }> {
    const w = this.workers[i];
    if (!w) throw new RangeError(`no worker ${i} in a pool of ${this.workers.length}`);
    const id = this.nextId++;
    const reply = this.ctx.nextMessage<WorkReply & { type: 'done' }>(
      w,
      REPLY_MS,
      `work worker ${i} (units ${from}-${to})`,
      (m) => (m as WorkReply).type === 'done' && (m as { id: number }).id === id,
    );
    w.postMessage({ type: 'work', id, from, to } satisfies WorkRequest);
    const r = await reply;
    return { sum: r.sum, ms: r.ms };
  }

  /**
   * One job: units [0, serial) on worker 0 alone, then units
   * [serial, serial + parallel) split as evenly as whole units allow over
   * workers 0..k-1 (shares differ by at most one unit).
   */
  async job(k: number, serial: number, parallel: number): Promise<JobResult> {
    const first = serial > 0 ? (await this.range(0, 0, serial)).sum : 0;
    const rest = await this.split(k, serial, serial + parallel);
    return { sum: addSums(first, rest.sum) };
  }

  /** Units [from, to) split as evenly as whole units allow over workers 0..k-1, at the same time. */
  async split(k: number, from: number, to: number): Promise<JobResult> {
    const cut = (j: number): number => from + Math.floor((j * (to - from)) / k);
    const parts = await Promise.all(Array.from({ length: k }, (_, j) => this.range(j, cut(j), cut(j + 1))));
    return { sum: parts.reduce((acc, p) => addSums(acc, p.sum), 0) };
  }
}

/** How a job of `serial` then `parallel` units runs on k workers of the pool (a seam for tests). */
export type JobStrategy = (pool: WorkPool, k: number, serial: number, parallel: number) => Promise<JobResult>;
export const amdahlJob: JobStrategy = (pool, k, serial, parallel) => pool.job(k, serial, parallel);

export interface JobResult {
  /** Checksum of all the job's units. */
  sum: number;
}
