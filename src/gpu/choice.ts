/**
 * Which gpu.js backend to use, decided from what the probes saw. Pure: no
 * gpu.js, no I/O, so the rules can be tested with fake adapters (hardware,
 * software, a known-answer kernel that fails). The probing itself happens in
 * the GPU child process (src/gpu/serve.ts); src/gpu/job.ts joins the two.
 *
 * The rules (`--backend auto`):
 *  1. A backend is a candidate only if it was set up (module loaded, adapter
 *     or context obtained), its known-answer kernel returned the right values,
 *     and that kernel really ran as the backend's own class (not a fallback).
 *  2. A hardware GPU comes first: webgpu, then headless GL.
 *  3. A software device (llvmpipe, lavapipe, SwiftShader, an adapter that
 *     says it is a fallback) is used only when its probe kernel ran clearly
 *     faster than the fastest CPU backend's (webasm, else gpu.js cpu): its
 *     best time under SOFTWARE_MARGIN times theirs. Best times, because
 *     other processes' load only ever adds time; a margin, because a
 *     software GPU shares the CPU's cores and a near tie is not worth the
 *     GPU API's costs.
 *  4. Then webasm, then cpu, then a software device slower than both.
 * A backend named with `--backend NAME` runs as itself or not at all: the
 * choice then carries a one-line error saying why it cannot run.
 */

export type Backend = 'webgpu' | 'headlessgl' | 'webasm' | 'cpu';
export type Requested = 'auto' | Backend;

/** Every backend, in the order auto tries them. */
export const BACKENDS: readonly Backend[] = ['webgpu', 'headlessgl', 'webasm', 'cpu'];
export const REQUESTS: readonly Requested[] = ['auto', ...BACKENDS];

/** The gpu.js kernel class each backend runs as (read from `kernel.kernel.constructor.name`). */
export const KERNEL_CLASS: Readonly<Record<Backend, string>> = {
  webgpu: 'WebGPUKernel',
  headlessgl: 'HeadlessGLKernel',
  webasm: 'WebAssemblyKernel',
  cpu: 'CPUKernel',
};

/** The backend a gpu.js kernel class belongs to, or null for a class conc does not run (webgl in a browser, say). */
export function backendOfClass(cls: string): Backend | null {
  for (const b of BACKENDS) if (KERNEL_CLASS[b] === cls) return b;
  return null;
}

/** The known-answer kernel's verdict, as judged by the lab against the exact answer. */
export interface KnownAnswer {
  /** The values were right. */
  ok: boolean;
  /** What was wrong (or what was compared), for the reason line. */
  detail: string;
  /** The class that ran it, after its first call. */
  kernelClass: string;
  /** gpu.js's fallbackReason, when it swapped in a CPU kernel. */
  fallbackReason?: string | null;
  /** Median of the timed calls after the first, ms. */
  steadyMs: number;
  /** Fastest of the timed calls after the first, ms: what "faster" means in rule 3. */
  bestMs: number;
}

export interface Probe {
  backend: Backend;
  /** Set up: the module loaded and gave an adapter or a context. */
  available: boolean;
  /** Why it is not available, in the probe's words (the require error, "requestAdapter() returned null", ...). */
  error?: string;
  /** Adapter or renderer name, or the CPU model for webasm and cpu. */
  device?: string;
  /** A software rasterizer, or the CPU itself. */
  software?: boolean;
  knownAnswer?: KnownAnswer;
}

export interface Skipped {
  backend: Backend;
  reason: string;
}

export interface Choice {
  requested: Requested;
  /** The backend chosen to run the kernels, or null when none can. */
  ran: Backend | null;
  device: string;
  software: boolean;
  /** One entry per backend probed and not used. */
  skipped: Skipped[];
  /** When nothing can run (a named backend that failed, or no backend at all): one line saying why. */
  error?: string;
}

/** A software device must take less than this share of the fastest CPU backend's time to be used by auto. */
export const SOFTWARE_MARGIN = 0.8;

const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|swrast|software|basic render/i;

/** Does an adapter or renderer name (or the adapter's own flag) say it is a software rasterizer? */
export function isSoftwareDevice(name: string, isFallbackAdapter = false): boolean {
  return isFallbackAdapter || SOFTWARE_NAMES.test(name);
}

const isGpu = (b: Backend): boolean => b === 'webgpu' || b === 'headlessgl';
const fmtMs = (ms: number): string => (ms >= 10 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(2));

/** Why a probe cannot be used at all, or null when it is a candidate (rule 1). */
export function unusable(p: Probe): string | null {
  if (!p.available) return p.error ?? 'not available';
  const ka = p.knownAnswer;
  if (!ka) return 'no known-answer kernel was run';
  if (ka.kernelClass !== KERNEL_CLASS[p.backend]) {
    const why = ka.fallbackReason ? ` (gpu.js fell back: ${ka.fallbackReason})` : '';
    return `its known-answer kernel ran as ${ka.kernelClass}, not ${KERNEL_CLASS[p.backend]}${why}`;
  }
  if (!ka.ok) return `its known-answer kernel returned wrong values: ${ka.detail}`;
  return null;
}

/** A device's name without the route it was reached by ("X via Dawn OpenGL ES (...)" -> "X"). */
export function shortDevice(device: string | undefined): string {
  return (device ?? '').split(' via ')[0]?.trim() || 'unnamed device';
}

export function chooseBackend(requested: Requested, probes: readonly Probe[]): Choice {
  const skipped: Skipped[] = [];
  const byBackend = new Map(probes.map((p) => [p.backend, p]));

  if (requested !== 'auto') {
    const p = byBackend.get(requested);
    const why = p ? unusable(p) : 'it was not probed';
    for (const q of probes) if (q.backend !== requested) skipped.push({ backend: q.backend, reason: `not asked for (--backend ${requested})` });
    if (!p || why !== null) {
      if (p) skipped.unshift({ backend: requested, reason: why ?? 'not usable' });
      return { requested, ran: null, device: p?.device ?? '', software: p?.software ?? true, skipped, error: `--backend ${requested} cannot run here: ${why}` };
    }
    return { requested, ran: requested, device: p.device ?? '', software: p.software ?? !isGpu(requested), skipped };
  }

  const ordered = BACKENDS.map((b) => byBackend.get(b)).filter((p): p is Probe => p !== undefined);
  const candidates: Probe[] = [];
  for (const p of ordered) {
    const why = unusable(p);
    if (why === null) candidates.push(p);
    else skipped.push({ backend: p.backend, reason: why });
  }
  const best = (p: Probe): number => p.knownAnswer?.bestMs ?? Infinity;
  const hardware = candidates.filter((p) => isGpu(p.backend) && !p.software);
  const software = candidates.filter((p) => isGpu(p.backend) && p.software);
  const cpuSide = candidates.filter((p) => !isGpu(p.backend));
  const fastestCpu = cpuSide.reduce<Probe | null>((f, p) => (f === null || best(p) < best(f) ? p : f), null);
  const worthIt = (p: Probe): boolean => fastestCpu === null || best(p) < SOFTWARE_MARGIN * best(fastestCpu);

  let chosen: Probe | null = hardware[0] ?? null;
  if (!chosen) chosen = software.find(worthIt) ?? null;
  if (!chosen) chosen = cpuSide[0] ?? software[0] ?? null;

  for (const p of candidates) {
    if (p === chosen) continue;
    let reason: string;
    if (p.software && isGpu(p.backend) && fastestCpu && !worthIt(p)) {
      reason =
        `software device ${shortDevice(p.device)}, not clearly faster than ${fastestCpu.backend} ` +
        `(probe best ${fmtMs(best(p))} ms vs ${fmtMs(best(fastestCpu))} ms)`;
    } else reason = `not needed: ${chosen ? chosen.backend : '?'} comes first`;
    skipped.push({ backend: p.backend, reason });
  }
  // Keep the report's order the order backends were tried in.
  skipped.sort((a, b) => BACKENDS.indexOf(a.backend) - BACKENDS.indexOf(b.backend));

  if (!chosen) {
    return {
      requested,
      ran: null,
      device: '',
      software: true,
      skipped,
      error: `no gpu.js backend passed its known-answer kernel: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`,
    };
  }
  return { requested, ran: chosen.backend, device: chosen.device ?? '', software: chosen.software ?? !isGpu(chosen.backend), skipped };
}
