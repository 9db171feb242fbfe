/**
 * The transport table: how each transport is wired between the endpoint
 * workers, one way (a stream, for throughput) and there and back (a loop, for
 * ping-pong). The experiments look transports up here; a test may hand them
 * another table (a "ring" wired as postMessage) to see their checks fail.
 *
 *   postMessage / transfer   producer --parentPort--> lab thread --postMessage--> consumer
 *   port                     producer --MessageChannel (one port each)--> consumer
 *   ring                     producer --RingBuffer (SharedArrayBuffer)--> consumer
 *   queue                    producers 0, 2 --BlockingQueue--> consumers 1, 3
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { BlockingQueue, RingBuffer } from '../../src/sync/index.js';
import type { Endpoints } from './endpoints.js';
import { isEndOfStream, type Channel, type Transport } from './messages.js';

/** One side of a stream: the endpoint it runs on, its channel, the ports to hand it. */
export interface End {
  endpoint: number;
  channel: Channel;
  transfer: MessagePort[];
}

export interface Stream {
  producers: End[];
  consumers: End[];
  /** Per-seq counts shared by several consumers (exactly-once across them). */
  seen?: Uint8Array;
  /** Undoes the wiring (relays through the lab thread). */
  close(): void;
}

/** Ping on endpoint 0, pong on endpoint 1. */
export interface Loop {
  ping: { tx: Channel; rx: Channel; transfer: MessagePort[] };
  pong: { tx: Channel; rx: Channel; transfer: MessagePort[] };
  close(): void;
}

export interface StreamOptions {
  /** queue: its slots (default: queueSlots(size)) */
  slots?: number;
}

export interface Wire {
  /** `count` messages one way. */
  stream(ep: Endpoints, size: number, count: number, o: StreamOptions): Stream;
  loop(ep: Endpoints, size: number): Loop;
}

export type WireTable = Record<Transport, Wire>;

/** Room for a few messages of `size` (at least 64 KiB), a multiple of 4. */
export function ringCapacity(size: number): number {
  return Math.max(65536, 4 * (((size + 3) & ~3) + 4));
}

/** Slots for the blocking queue: about 16 MiB of them, between 2 and 64. */
export function queueSlots(size: number): number {
  return Math.max(2, Math.min(64, Math.floor((16 * 2 ** 20) / size)));
}

/** Forwards payloads and ends of stream from one worker to another: the hub plain postMessage needs. */
function relay(from: Worker, to: Worker, transfer: boolean): () => void {
  const f = (m: unknown): void => {
    if (m instanceof Uint8Array) to.postMessage(m, transfer ? [m.buffer as ArrayBuffer] : []);
    else if (isEndOfStream(m)) to.postMessage(m);
  };
  from.on('message', f);
  return () => from.off('message', f);
}

const nothing = (): void => {};

/** Through the lab thread: what workers that only know their parent must do. */
function viaParent(transfer: boolean): Wire {
  const ch: Channel = { kind: 'parent', transfer };
  return {
    stream(ep) {
      const close = relay(ep.worker(0), ep.worker(1), transfer);
      return { producers: [{ endpoint: 0, channel: ch, transfer: [] }], consumers: [{ endpoint: 1, channel: ch, transfer: [] }], close };
    },
    loop(ep) {
      const undo = [relay(ep.worker(0), ep.worker(1), transfer), relay(ep.worker(1), ep.worker(0), transfer)];
      return { ping: { tx: ch, rx: ch, transfer: [] }, pong: { tx: ch, rx: ch, transfer: [] }, close: () => undo.forEach((f) => f()) };
    },
  };
}

const port: Wire = {
  stream() {
    const { port1, port2 } = new MessageChannel();
    return {
      producers: [{ endpoint: 0, channel: { kind: 'port', port: port1 }, transfer: [port1] }],
      consumers: [{ endpoint: 1, channel: { kind: 'port', port: port2 }, transfer: [port2] }],
      close: nothing,
    };
  },
  loop() {
    const { port1, port2 } = new MessageChannel();
    return {
      ping: { tx: { kind: 'port', port: port1 }, rx: { kind: 'port', port: port1 }, transfer: [port1] },
      pong: { tx: { kind: 'port', port: port2 }, rx: { kind: 'port', port: port2 }, transfer: [port2] },
      close: nothing,
    };
  },
};

/** Two one-way channels, there and back. */
function loopOf(make: () => Channel): Loop {
  const there = make();
  const back = make();
  return { ping: { tx: there, rx: back, transfer: [] }, pong: { tx: back, rx: there, transfer: [] }, close: nothing };
}

const ring: Wire = {
  stream(_ep, size) {
    const ch: Channel = { kind: 'ring', ring: RingBuffer.create(ringCapacity(size)).handle() };
    return { producers: [{ endpoint: 0, channel: ch, transfer: [] }], consumers: [{ endpoint: 1, channel: ch, transfer: [] }], close: nothing };
  },
  loop: (_ep, size) => loopOf(() => ({ kind: 'ring', ring: RingBuffer.create(ringCapacity(size)).handle() })),
};

const queue: Wire = {
  stream(_ep, size, count, o) {
    const q = BlockingQueue.create(o.slots ?? queueSlots(size), size);
    const producers = [0, 2];
    // The last producer to finish closes the queue; the consumers drain it and stop.
    const left = new SharedArrayBuffer(4);
    new Int32Array(left)[0] = producers.length;
    const tx: Channel = { kind: 'queue', queue: q.handle(), left };
    const rx: Channel = { kind: 'queue', queue: q.handle() };
    return {
      producers: producers.map((endpoint) => ({ endpoint, channel: tx, transfer: [] })),
      consumers: [1, 3].map((endpoint) => ({ endpoint, channel: rx, transfer: [] })),
      seen: new Uint8Array(new SharedArrayBuffer(count)),
      close: nothing,
    };
  },
  loop: (_ep, size) => loopOf(() => ({ kind: 'queue', queue: BlockingQueue.create(4, size).handle() })),
};

export const WIRES: WireTable = {
  postMessage: viaParent(false),
  transfer: viaParent(true),
  port,
  ring,
  queue,
};
