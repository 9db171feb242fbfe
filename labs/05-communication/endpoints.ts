/**
 * The lab side of the endpoint workers: a small fixed set of workers, kept
 * alive for the whole lab (starting a worker costs tens of ms, more than many
 * measurements), to which jobs are posted. Workers are started through the
 * spawn function given (ctx.worker in the lab, so they are tracked; plain
 * `new Worker` in the benchmark).
 */
import type { TransferListItem, Worker } from 'node:worker_threads';
import { nextMessage } from '../../src/core/wait.js';
import type { Job, Reply, Result } from './messages.js';

export type Spawn = (url: URL) => Worker;

export interface Call<R> {
  /** The endpoint is listening (consumers, pongs, getters), or has already finished. */
  ready: Promise<void>;
  done: Promise<R>;
}

type JobInput = Job extends infer J ? (J extends Job ? Omit<J, 'id'> : never) : never;

const isReply = (m: unknown): m is Reply => typeof m === 'object' && m !== null && 'type' in m;

export class Endpoints {
  private nextId = 1;

  private constructor(
    readonly workers: readonly Worker[],
    /** Bound on any one job, end to end. */
    readonly callMs: number,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Starts n endpoint workers and waits until each is online. `url` is the
   * worker file: the seam for fault tests, which pass a broken endpoint.
   */
  static async start(
    spawn: Spawn,
    n: number,
    callMs: number,
    signal?: AbortSignal,
    url = new URL('./endpoint.worker.js', import.meta.url),
  ): Promise<Endpoints> {
    const workers: Worker[] = [];
    const online: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const w = spawn(url);
      workers.push(w);
      online.push(nextMessage(w, callMs, `endpoint ${i} start`, { pred: (m) => isReply(m) && m.type === 'online', signal }));
    }
    await Promise.all(online);
    return new Endpoints(workers, callMs, signal);
  }

  worker(i: number): Worker {
    const w = this.workers[i];
    if (!w) throw new RangeError(`no endpoint ${i}`);
    return w;
  }

  /** Posts a job to endpoint i (transferring `transfer`); both promises are bounded by callMs. */
  call<R extends Result>(i: number, job: JobInput, transfer: readonly TransferListItem[] = []): Call<R> {
    const w = this.worker(i);
    const id = this.nextId++;
    const mine = (m: unknown): m is Reply => isReply(m) && 'id' in m && m.id === id;
    const what = `endpoint ${i}: ${job.type} job`;
    const ready = nextMessage(w, this.callMs, `${what} (ready)`, { pred: mine, signal: this.signal }).then(() => undefined);
    const done = nextMessage<Reply>(w, this.callMs, what, { pred: (m) => mine(m) && m.type !== 'ready', signal: this.signal }).then((m) => {
      if (m.type === 'failed') throw new Error(`${what} failed: ${m.message}`);
      if (m.type !== 'done') throw new Error(`${what}: unexpected ${m.type} reply`);
      return m.result as R;
    });
    // Awaited by the caller, or not if an earlier step threw; never an unhandled rejection.
    ready.catch(() => {});
    done.catch(() => {});
    w.postMessage({ ...job, id }, transfer);
    return { ready, done };
  }
}
