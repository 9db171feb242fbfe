// Internal helpers shared by the primitives in this folder: checking that a
// primitive's region fits its buffer, and turning an optional timeout into a
// deadline. Not re-exported from index.ts.

/**
 * Validates that `[byteOffset, byteOffset + bytes)` lies inside `buffer` and is
 * aligned to `align` bytes (4 for Int32 words, 8 when the region holds
 * Float64 values); throws otherwise.
 */
export function checkRegion(
  what: string,
  buffer: SharedArrayBuffer,
  byteOffset: number,
  bytes: number,
  align = 4,
): void {
  // Atomics.wait only works on a shared Int32Array, so a plain ArrayBuffer
  // would fail later with a confusing TypeError; say it here instead.
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(`${what}: buffer must be a SharedArrayBuffer`);
  }
  if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % align !== 0) {
    throw new RangeError(`${what}: byteOffset ${byteOffset} must be a non-negative multiple of ${align}`);
  }
  if (byteOffset + bytes > buffer.byteLength) {
    throw new RangeError(
      `${what}: needs ${bytes} bytes at offset ${byteOffset} but the buffer has ${buffer.byteLength}`,
    );
  }
}

/** Deadline in performance.now() milliseconds; undefined or NaN means never. */
export function deadlineAfter(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined || Number.isNaN(timeoutMs)) return Infinity;
  return performance.now() + Math.max(0, timeoutMs);
}

/**
 * Milliseconds left before `deadline` (Infinity stays Infinity, which
 * Atomics.wait accepts as "no timeout"). Every wait loop recomputes this after
 * each wake-up so that spurious or unrelated wake-ups cannot stretch the total
 * time spent beyond the caller's timeout.
 */
export function remainingMs(deadline: number): number {
  return deadline === Infinity ? Infinity : deadline - performance.now();
}

export function checkCount(what: string, name: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${what}: ${name} must be an integer >= ${min}, got ${n}`);
  }
}
