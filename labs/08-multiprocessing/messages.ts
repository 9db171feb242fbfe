/** Messages between lab 8 and its children: defined once, imported by both sides. */

/** Epoch ms with sub-millisecond precision, comparable across processes. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** Set in every child's environment: the run's mark, by which the lab finds any process of its own in /proc. */
export const RUN_MARK = 'CONC_LAB8_RUN';

// --- life.child.ts -----------------------------------------------------------

export type LifeMode = 'exit' | 'work';

export interface Ready {
  type: 'ready';
  pid: number;
  at: number;
}
/** One item of work done. */
export interface ItemDone {
  type: 'item';
  item: number;
  at: number;
}
/** A child's last words on SIGTERM: the item it was on, finished. */
export interface LastWords {
  type: 'bye';
  signal: 'SIGTERM';
  finished: number;
  at: number;
}
export type LifeMessage = Ready | ItemDone | LastWords;

export const isReady = (m: unknown): m is Ready => (m as Ready | null)?.type === 'ready';

// --- daemon.launcher.child.ts --------------------------------------------------

export interface Launched {
  type: 'launched';
  /** The launcher's own pid, and the daemon's. */
  launcher: number;
  daemon: number;
  at: number;
}
export const isLaunched = (m: unknown): m is Launched => (m as Launched | null)?.type === 'launched';

// --- ipc.child.ts ----------------------------------------------------------------

export interface Payload {
  seq: number;
  data: string;
}
export interface IpcEnd {
  type: 'end';
}
/** What the child received: counted by the child itself. */
export interface IpcTally {
  type: 'tally';
  messages: number;
  bytes: number;
  /** Messages whose seq was not the one expected next. */
  outOfOrder: number;
}
export const isTally = (m: unknown): m is IpcTally => (m as IpcTally | null)?.type === 'tally';
