/**
 * The GPU child process: the only place conc loads gpu.js and the native
 * WebGPU and GL bindings, so that a native crash ends this process and not
 * the lab (the lab reports it as its error, with the backend named).
 *
 * It answers the lab's requests one at a time (src/gpu/messages.ts): probe a
 * backend (set it up, run the known-answer kernel), use one for the runs, run
 * a kernel with timing, close. It judges nothing: the lab compares every
 * output with its own reference, and reads which class ran each kernel from
 * what this process reports after the first call and after the last.
 *
 * `serveGpuChild(hooks)` is the whole child; src/gpu/child.ts calls it with
 * no hooks. Fault tests (test/fixtures/faults/lab-11/) call it with hooks that
 * break one thing: a kernel's source, the mode a backend's kernels are built
 * with, or a backend's set-up.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import type { Backend } from './choice.js';
import { isSoftwareDevice } from './choice.js';
import { KERNEL_SOURCES, reduceChunk, type KernelSources } from './kernels.js';
import type { FromChild, KernelName, KernelParams, ProbeReport, RunReport, Timing, ToChild } from './messages.js';
import { timedPlan } from './timing.js';

/** What a backend's set-up found. */
export interface Setup {
  device: string;
  software: boolean;
  tried?: string[];
  /** Undo the set-up (drop a Dawn instance, navigator.gpu). */
  teardown?: () => void | Promise<void>;
}

export interface ChildHooks {
  /** Kernel sources to use instead of src/gpu/kernels.ts's. */
  sources?: Partial<KernelSources>;
  /** The gpu.js mode a backend's kernels are built with, in the probe and in the runs (default: the backend's name). */
  mode?: (backend: Backend, phase: 'probe' | 'run') => string;
  /** A backend's set-up, instead of the real one. */
  setup?: Partial<Record<Backend, () => Promise<Setup>>>;
}

// The slice of gpu.js this file uses (its own .d.ts lags behind its modes).
interface KernelObject {
  constructor: { name: string };
  fallbackReason?: string | null;
}
interface Shortcut {
  (...args: unknown[]): unknown;
  kernel: KernelObject;
  destroy?: () => unknown;
}
interface GpuInstance {
  createKernel(fn: (...args: never[]) => number, settings: Record<string, unknown>): Shortcut;
  destroy(): unknown;
}
interface GpuJs {
  GPU: new (settings: { mode: string }) => GpuInstance;
  WebGPUContext?: { destroy(): Promise<void> };
}

// Dawn's Node bindings (the `webgpu` package), typed as far as used here.
interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface Adapter {
  info?: AdapterInfo;
  isFallbackAdapter?: boolean;
}
interface DawnGpu {
  requestAdapter(o?: Record<string, unknown>): Promise<Adapter | null>;
}
interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals: Record<string, unknown>;
}

const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0]?.trim() || 'unknown error';
const cpuModel = (): string => (os.cpus()[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();

/** An adapter's name for the report: "device via Dawn route (description)", e.g. "llvmpipe-... via Dawn OpenGL ES (OpenGL ES 3.2 Mesa 22.3.6)". */
export function adapterName(info: AdapterInfo | undefined, route: string): string {
  const dev = (info?.device || info?.architecture || 'unnamed adapter').replace(/-+$/, '');
  const vendor = info?.vendor && !dev.toLowerCase().includes(info.vendor.toLowerCase()) ? `${info.vendor} ` : '';
  const desc = info?.description ? ` (${info.description.replace(/^OpenGL version /, '')})` : '';
  return `${vendor}${dev} via ${route}${desc}`;
}

/** Flatten a gpu.js result (a Float32Array, or rows of them) into one Float32Array. */
export function flatten(r: unknown): Float32Array {
  if (r instanceof Float32Array) return r;
  if (Array.isArray(r)) {
    if (r.length > 0 && (r[0] instanceof Float32Array || Array.isArray(r[0]))) {
      const rows = r.map((row) => flatten(row));
      const out = new Float32Array(rows.reduce((s, row) => s + row.length, 0));
      let o = 0;
      for (const row of rows) {
        out.set(row, o);
        o += row.length;
      }
      return out;
    }
    return Float32Array.from(r as number[]);
  }
  if (typeof r === 'number') return Float32Array.of(r);
  throw new Error(`unexpected kernel result: ${Object.prototype.toString.call(r)}`);
}

export function serveGpuChild(hooks: ChildHooks = {}): void {
  const send = (m: FromChild): void => {
    process.send?.(m);
  };
  if (!process.send) throw new Error('the GPU child must be started with an IPC channel (ctx.fork)');
  // The lab is gone: nothing would read our replies, and we must not outlive it.
  process.on('disconnect', () => process.exit(0));

  const sources: KernelSources = { ...KERNEL_SOURCES, ...hooks.sources };
  const modeOf = (b: Backend, phase: 'probe' | 'run'): string => hooks.mode?.(b, phase) ?? b;
  const require = createRequire(import.meta.url);
  let gpujs: GpuJs | null = null;
  const loadGpuJs = (): GpuJs => (gpujs ??= require('gpu.js') as GpuJs);

  const setups = new Map<Backend, Setup>();
  // Dawn instances must stay referenced while GPU work runs (a collected one
  // takes the device down under running work), and be dropped at the end.
  const dawnKeep: DawnGpu[] = [];
  let savedNavigator: PropertyDescriptor | undefined;
  let run: { backend: Backend; gpu: GpuInstance } | null = null;

  function installNavigator(adapter: Adapter): void {
    savedNavigator ??= Object.getOwnPropertyDescriptor(globalThis, 'navigator') ?? { value: undefined, configurable: true, writable: true };
    // gpu.js asks navigator.gpu for an adapter with no options; hand it the
    // very adapter the probe found and named, so the device reported is the
    // device used.
    const gpu = { requestAdapter: async () => adapter, getPreferredCanvasFormat: () => 'rgba8unorm' };
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu, hardwareConcurrency: os.availableParallelism() },
      configurable: true,
      writable: true,
    });
  }

  /** Destroy gpu.js's shared WebGPU device, then let go of navigator.gpu and the Dawn instances (or Node will not exit). */
  async function dropWebGpu(): Promise<void> {
    if (gpujs?.WebGPUContext) await gpujs.WebGPUContext.destroy().catch(() => {});
    if (savedNavigator) Object.defineProperty(globalThis, 'navigator', savedNavigator);
    savedNavigator = undefined;
    dawnKeep.length = 0;
  }

  async function setupWebGpu(): Promise<Setup> {
    const tried: string[] = [];
    let dawn: DawnModule;
    try {
      dawn = (await import('webgpu')) as unknown as DawnModule;
    } catch (e) {
      throw new Error(`the webgpu module did not load: ${firstLine(e)}`);
    }
    Object.assign(globalThis, dawn.globals);
    // Real GPUs first: Dawn's default backends (Vulkan, Metal, D3D12).
    const native = dawn.create([]);
    const hw = await native.requestAdapter({ powerPreference: 'high-performance' }).catch((e: unknown) => {
      tried.push(`Vulkan/Metal/D3D: ${firstLine(e)}`);
      return null;
    });
    let hwName = '';
    if (hw) {
      hwName = adapterName(hw.info, 'Dawn Vulkan/Metal/D3D');
      if (!isSoftwareDevice(hwName, Boolean(hw.info?.isFallbackAdapter ?? hw.isFallbackAdapter))) {
        dawnKeep.push(native);
        installNavigator(hw);
        return { device: hwName, software: false, tried: [...tried, `Vulkan/Metal/D3D: ${hwName}`], teardown: dropWebGpu };
      }
      tried.push(`Vulkan/Metal/D3D: ${hwName}, a software adapter`);
    } else if (tried.length === 0) tried.push('Vulkan/Metal/D3D: no adapter');
    // No hardware adapter: Dawn's OpenGL ES backend, which on Mesa gives
    // llvmpipe with no X server (EGL_PLATFORM=surfaceless, set by the lab).
    const gles = dawn.create(['backend=opengles']);
    const sw = await gles.requestAdapter({ featureLevel: 'compatibility' }).catch((e: unknown) => {
      tried.push(`OpenGL ES: ${firstLine(e)}`);
      return null;
    });
    if (sw) {
      const name = adapterName(sw.info, 'Dawn OpenGL ES');
      dawnKeep.push(gles);
      installNavigator(sw);
      tried.push(`OpenGL ES: ${name}`);
      return { device: name, software: isSoftwareDevice(name, Boolean(sw.info?.isFallbackAdapter ?? sw.isFallbackAdapter)), tried, teardown: dropWebGpu };
    }
    if (!tried.some((t) => t.startsWith('OpenGL ES'))) tried.push('OpenGL ES: no adapter');
    if (hw) {
      // Only a software adapter on the default backends (SwiftShader, say): that one, then.
      dawnKeep.push(native);
      installNavigator(hw);
      return { device: hwName, software: true, tried, teardown: dropWebGpu };
    }
    throw new Error(`no WebGPU adapter: ${tried.join('; ')}`);
  }

  async function setupHeadlessGl(): Promise<Setup> {
    // gpu.js swallows gl's require error; require it here to see why.
    const fromGpuJs = createRequire(require.resolve('gpu.js'));
    let gl: (w: number, h: number, o?: object) => null | {
      getParameter(p: number): unknown;
      getExtension(name: string): Record<string, unknown> | null;
      RENDERER: number;
    };
    try {
      gl = fromGpuJs('gl') as typeof gl;
    } catch (e) {
      throw new Error(`the optional gl module did not load: ${firstLine(e)}`);
    }
    const ctx = gl(2, 2, { preserveDrawingBuffer: true });
    if (!ctx) {
      const display = process.env.DISPLAY ? `DISPLAY=${process.env.DISPLAY}` : 'DISPLAY is not set';
      throw new Error(`gl loaded but gave no GL context (it needs an X server; ${display})`);
    }
    const dbg = ctx.getExtension('WEBGL_debug_renderer_info');
    const unmasked = dbg && typeof dbg.UNMASKED_RENDERER_WEBGL === 'number' ? ctx.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : null;
    const name = String(unmasked ?? ctx.getParameter(ctx.RENDERER) ?? 'unnamed renderer');
    const destroy = ctx.getExtension('STACKGL_destroy_context') as { destroy?: () => void } | null;
    destroy?.destroy?.();
    return { device: `${name} (headless GL)`, software: isSoftwareDevice(name) };
  }

  async function setup(b: Backend): Promise<Setup> {
    const fake = hooks.setup?.[b];
    if (fake) return fake();
    switch (b) {
      case 'webgpu':
        return setupWebGpu();
      case 'headlessgl':
        return setupHeadlessGl();
      case 'webasm':
        return { device: `WebAssembly on ${cpuModel()}`, software: true };
      case 'cpu':
        return { device: `JavaScript on ${cpuModel()}`, software: true };
    }
  }

  /** Build the gpu.js kernel(s) of a request, and a call that runs them once. */
  function build(gpu: GpuInstance, kernel: KernelName, p: KernelParams, inputs: Float32Array[]): { call: () => Promise<unknown>; shortcuts: Shortcut[] } {
    const n = p.n ?? 0;
    const [a, b] = inputs;
    switch (kernel) {
      case 'vectorAdd': {
        const k = gpu.createKernel(sources.vectorAdd, { output: [n] });
        return { call: async () => k(a, b), shortcuts: [k] };
      }
      case 'matmul':
      case 'knownAnswer': {
        const k = gpu.createKernel(kernel === 'matmul' ? sources.matmul : sources.knownAnswer, { output: [n, n], constants: { n } });
        return { call: async () => k(a, b), shortcuts: [k] };
      }
      case 'reduce': {
        const chunk = reduceChunk(n);
        const parts = Math.ceil(n / chunk);
        const kp = gpu.createKernel(sources.reducePartial, { output: [parts], constants: { n, chunk } });
        const kf = gpu.createKernel(sources.reduceFinal, { output: [1], constants: { p: parts } });
        return { call: async () => kf(flatten(await kp(a))), shortcuts: [kp, kf] };
      }
      case 'mandelbrot': {
        const k = gpu.createKernel(sources.mandelbrot, { output: [p.width ?? 0, p.height ?? 0], constants: { maxIter: p.maxIter ?? 0 } });
        return { call: async () => k(), shortcuts: [k] };
      }
    }
  }

  const classes = (ks: Shortcut[]): string => [...new Set(ks.map((k) => k.kernel.constructor.name))].join('+');
  const fallback = (ks: Shortcut[]): string | null => ks.map((k) => k.kernel.fallbackReason).find((r) => r) ?? null;

  async function timed(built: { call: () => Promise<unknown>; shortcuts: Shortcut[] }, t: Timing): Promise<RunReport> {
    let t0 = performance.now();
    let out = await built.call();
    const firstMs = performance.now() - t0;
    const classFirst = classes(built.shortcuts);
    const plan = timedPlan(t, firstMs);
    for (let i = 0; i < plan.warmup; i++) out = await built.call();
    const steadyMs: number[] = [];
    const start = performance.now();
    do {
      t0 = performance.now();
      out = await built.call();
      steadyMs.push(performance.now() - t0);
    } while (steadyMs.length < plan.repeat && performance.now() - start < plan.maxTimeMs);
    return { output: flatten(out), firstMs, steadyMs, classFirst, classLast: classes(built.shortcuts), fallbackReason: fallback(built.shortcuts) };
  }

  async function probe(m: Extract<ToChild, { type: 'probe' }>): Promise<ProbeReport> {
    let s: Setup;
    try {
      s = setups.get(m.backend) ?? (await setup(m.backend));
    } catch (e) {
      const tried = (e as { tried?: string[] }).tried;
      return { backend: m.backend, available: false, error: firstLine(e), ...(tried ? { tried } : {}) };
    }
    setups.set(m.backend, s);
    const base = { backend: m.backend, device: s.device, software: s.software, ...(s.tried ? { tried: s.tried } : {}) };
    let gpu: GpuInstance;
    try {
      gpu = new (loadGpuJs().GPU)({ mode: modeOf(m.backend, 'probe') });
    } catch (e) {
      return { ...base, available: false, error: `gpu.js refused mode ${m.backend}: ${firstLine(e)}` };
    }
    try {
      const ka = await timed(build(gpu, 'knownAnswer', { n: m.ka.n }, [m.ka.a, m.ka.b]), m.ka.timing);
      return { ...base, available: true, ka };
    } catch (e) {
      return { ...base, available: false, error: `the known-answer kernel threw: ${firstLine(e)}` };
    } finally {
      await Promise.resolve(gpu.destroy()).catch(() => {});
    }
  }

  async function use(b: Backend): Promise<void> {
    // Probed in an earlier child that a crash took down: set it up again here.
    if (!setups.has(b)) setups.set(b, await setup(b));
    run = { backend: b, gpu: new (loadGpuJs().GPU)({ mode: modeOf(b, 'run') }) };
    // The other backends' set-ups are not needed any more.
    for (const [other, s] of setups) if (other !== b) await s.teardown?.();
  }

  async function close(): Promise<void> {
    if (run) await Promise.resolve(run.gpu.destroy()).catch(() => {});
    run = null;
    for (const s of setups.values()) await s.teardown?.();
    setups.clear();
    await dropWebGpu();
  }

  let queue = Promise.resolve();
  process.on('message', (m: ToChild) => {
    queue = queue.then(async () => {
      try {
        switch (m.type) {
          case 'probe':
            send({ type: 'probed', id: m.id, probe: await probe(m) });
            break;
          case 'use':
            await use(m.backend);
            send({ type: 'using', id: m.id, backend: m.backend });
            break;
          case 'run': {
            if (!run) throw new Error('no backend in use');
            const built = build(run.gpu, m.kernel, m.params, m.inputs);
            try {
              send({ type: 'ran', id: m.id, run: await timed(built, m.timing) });
            } finally {
              // Free its buffers and textures: each size gets kernels of its own.
              for (const k of built.shortcuts) await Promise.resolve(k.destroy?.()).catch(() => {});
            }
            break;
          }
          case 'close':
            await close();
            send({ type: 'closed', id: m.id });
            // Nothing of ours is left to keep the event loop alive: leave.
            process.disconnect();
            break;
        }
      } catch (e) {
        send({ type: 'failed', id: m.id, message: firstLine(e) });
      }
    });
  });
  send({ type: 'ready', pid: process.pid });
}
