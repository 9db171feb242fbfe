/**
 * Leaving when a thread cannot be stopped. worker.terminate() stops
 * JavaScript, not native code: a lab's worker stuck in a native call (seen:
 * fs.mkdirSync(..., { recursive: true }) spinning under /proc on Node 20)
 * outlives it, and then process.exit() hangs too, because Node joins every
 * worker thread on its way out. The host marks such a thread here, and the
 * entry point then leaves through WASI's proc_exit, which ends the process
 * with the intended exit code without that join.
 */
let stuck = 0;

// The WebAssembly global, as far as it is used here (lib ES2023 does not declare it).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => object;
};

export function markStuckThread(): void {
  stuck++;
}

export function stuckThreads(): number {
  return stuck;
}

const name = (s: string): number[] => [s.length, ...Buffer.from(s)];
const section = (id: number, bytes: number[]): number[] => [id, bytes.length, ...bytes];

/** Signed LEB128, the encoding of an i32.const operand. */
function sleb128(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    let b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    if (!done) b |= 0x80;
    out.push(b);
    if (done) return out;
  }
}

/** A WASI module whose _start calls proc_exit(code): some 90 bytes, built here rather than shipped. */
function exitModule(code: number): Uint8Array {
  const body = [0, 0x41, ...sleb128(code), 0x10, 0, 0x0b]; // no locals; i32.const code; call 0; end
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // \0asm, version 1
    ...section(1, [2, 0x60, 1, 0x7f, 0, 0x60, 0, 0]), // types: (i32) -> (), () -> ()
    ...section(2, [1, ...name('wasi_snapshot_preview1'), ...name('proc_exit'), 0, 0]),
    ...section(3, [1, 1]), // one function of type 1
    ...section(5, [1, 0, 1]), // one page of memory (WASI wants a memory export)
    ...section(7, [2, ...name('memory'), 2, 0, ...name('_start'), 0, 1]),
    ...section(10, [1, body.length, ...body]),
  ]);
}

/** End the process now with `code` (0-255), even with a thread stuck in native code. Never returns. */
export async function hardExit(code: number): Promise<never> {
  // node:wasi warns that it is experimental when first loaded; that line is not ours to print.
  const emit = process.emitWarning;
  process.emitWarning = () => {};
  const { WASI } = await import('node:wasi');
  const wasi = new WASI({ version: 'preview1', returnOnExit: false });
  process.emitWarning = emit;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(exitModule(code)), {
    wasi_snapshot_preview1: wasi.wasiImport,
  });
  wasi.start(instance);
  throw new Error('proc_exit returned');
}
