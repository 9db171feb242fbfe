/**
 * The messages every transport carries, and how a receiver verifies them.
 * Imported by the lab and by the worker, so both sides agree on the bytes.
 *
 *   word 0   sequence number (u32)
 *   word 1   stamp = mix32(seq ^ seed): makes each payload's checksum differ
 *            non-linearly, so a duplicated message cannot cancel a lost one
 *   rest     a seeded pseudo-random pattern, the same for every message
 *
 * The checksum is the sum of the 32-bit words (plus any tail bytes) mod 2^32,
 * over the whole payload: every byte is read, as a real consumer would, and a
 * torn or corrupted copy changes it.
 */

export const HEADER_BYTES = 8;

/** A 32-bit integer hash (lowbias32 by Chris Wellons): cheap and well mixed. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Sum of the 32-bit words of bytes[0..len) plus its 0-3 tail bytes, mod 2^32. */
export function checksum(bytes: Uint8Array, len: number, words?: Int32Array): number {
  const n = len >> 2;
  let s = 0;
  if (words) {
    for (let i = 0; i < n; i++) s = (s + words[i]!) | 0;
  } else if ((bytes.byteOffset & 3) === 0) {
    const w = new Int32Array(bytes.buffer, bytes.byteOffset, n);
    for (let i = 0; i < n; i++) s = (s + w[i]!) | 0;
  } else {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, len);
    for (let i = 0; i < n; i++) s = (s + dv.getInt32(i * 4, true)) | 0;
  }
  for (let i = n * 4; i < len; i++) s = (s + bytes[i]!) | 0;
  return s >>> 0;
}

/** Reads the sequence number (word 0) whatever the alignment. */
export function seqOf(bytes: Uint8Array): number {
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
}

/** The payload pattern of one size, and what each message's checksum must be. */
export class Payload {
  readonly size: number;
  readonly seed: number;
  /** A reusable message buffer (4-aligned), pattern already in place. */
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  /** checksum of the pattern without words 0 and 1 */
  private readonly rest: number;

  constructor(size: number, seed: number) {
    if (size < HEADER_BYTES) throw new RangeError(`payload of ${size} bytes has no room for its header`);
    this.size = size;
    this.seed = seed >>> 0;
    this.bytes = new Uint8Array(size);
    this.words = new Int32Array(this.bytes.buffer, 0, size >> 2);
    let x = mix32(this.seed ^ size) | 1; // xorshift32 must not start at 0
    for (let i = 0; i < size; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.bytes[i] = x & 0xff;
    }
    this.words[0] = 0;
    this.words[1] = 0;
    this.rest = checksum(this.bytes, size, this.words);
  }

  /** Writes the header of message `seq` into `bytes` (default: the reusable buffer). */
  stamp(seq: number, bytes: Uint8Array = this.bytes): Uint8Array {
    const w = bytes === this.bytes ? this.words : new Int32Array(bytes.buffer, bytes.byteOffset, 2);
    w[0] = seq | 0;
    w[1] = mix32(seq ^ this.seed) | 0;
    return bytes;
  }

  /** A fresh copy of message `seq` in its own ArrayBuffer (for transfer, which detaches it). */
  fresh(seq: number): Uint8Array {
    const b = new Uint8Array(this.size);
    b.set(this.bytes);
    return this.stamp(seq, b);
  }

  expected(seq: number): number {
    return (this.rest + (seq >>> 0) + mix32(seq ^ this.seed)) >>> 0;
  }

  /** Sum of the checksums of messages [0, count): what a receiver of all of them must total. */
  total(count: number): number {
    let t = 0;
    for (let s = 0; s < count; s++) t += this.expected(s);
    return t;
  }
}
