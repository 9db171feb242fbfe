/**
 * A GPU job, seen from the lab: a tracked child process (src/gpu/child.ts)
 * that probes the gpu.js backends, runs the chosen one's kernels, and reports
 * which kernel class really ran each of them. gpu.js never loads in the
 * lab's own thread; a native crash ends the child, and the job turns it into
 * an error that names the backend and the kernel.
 *
 *   const job = await openGpuJob(ctx, { requested: 'auto' });
 *   if (job.choice.ran) { const r = await job.run('matmul', { n: 256 }, [a, b], timing, 'matmul 256'); }
 *   await job.close();
 *
 * Used by lab 11 and, for its data-parallel workload, lab 12.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LabContext } from '../core/lab.js';
import { BACKENDS, KERNEL_CLASS, backendOfClass, chooseBackend, type Backend, type Choice, type Probe, type Requested } from './choice.js';
import { isReply, type FromChild, type KernelName, type KernelParams, type ProbeReport, type RunReport, type Timing, type ToChild } from './messages.js';
import { median } from '../measure/stats.js';

export const GPU_CHILD = new URL('./child.js', import.meta.url);

/** The known-answer kernel's size: big enough that its time says which backend is faster, small enough to probe in a moment. */
export const KNOWN_ANSWER_N = 128;

export interface GpuJobOptions {
  requested: Requested;
  /** The child's entry file; the seam for fault tests (default src/gpu/child.js). */
  child?: URL;
  /** Bound on one probe or one kernel run, ms (default 120 s). */
  replyMs?: number;
  knownAnswerN?: number;
}

/** What the probe of one backend saw, as the lab's backend table shows it. */
export interface ProbeSeen extends Probe {
  tried?: string[];
  /** The known-answer kernel's first call (compile included), ms. */
  firstMs?: number;
}

export interface Observed {
  what: string;
  classFirst: string;
  classLast: string;
  fallbackReason: string | null;
}

export interface GpuJob {
  readonly choice: Choice;
  readonly probes: readonly ProbeSeen[];
  /** Every kernel run's classes, in order. */
  readonly observed: readonly Observed[];
  /** Lines the child wrote on stderr that were not Dawn's known noise (gpu.js's "Falling back to CPU", say). */
  readonly warnings: readonly string[];
  /** Run a kernel on the chosen backend; rejects with an error naming the backend if the child dies. */
  run(kernel: Exclude<KernelName, 'knownAnswer'>, params: KernelParams, inputs: Float32Array[], timing: Timing, what: string): Promise<RunReport>;
  /** Which backend computed, read from the classes observed: the one class seen, or null with the mismatches. */
  ranObserved(): { backend: Backend | null; classes: string[] };
  /** Tear the child down; resolves with whether it exited by itself once told to. */
  close(): Promise<{ exitedCleanly: boolean }>;
}

/** Dawn's harmless messages on stderr (reduced limits, no Vulkan loader): not worth a note. */
const NOISE = [/artificially reduced/, /Couldn't load Vulkan/, /^\s+at operator\(\)/, /^\s*$/];

/** The known-answer inputs: small integers, so the product is exact in float32 whatever the order of the sums. */
export function knownAnswerInputs(n: number): { a: Float32Array; b: Float32Array; expected: Float64Array } {
  const a = new Float32Array(n * n);
  const b = new Float32Array(n * n);
  for (let i = 0; i < n * n; i++) {
    a[i] = ((i * 7) % 9) - 4;
    b[i] = ((i * 5) % 7) - 3;
  }
  const expected = new Float64Array(n * n);
  for (let r = 0; r < n; r++)
    for (let k = 0; k < n; k++) {
      const ark = a[r * n + k] as number;
      for (let c = 0; c < n; c++) expected[r * n + c] = (expected[r * n + c] as number) + ark * (b[k * n + c] as number);
    }
  return { a, b, expected };
}

/** Judge a known-answer output: exact, or the largest error and where. */
export function judgeKnownAnswer(out: Float32Array, expected: Float64Array, n: number): { ok: boolean; detail: string } {
  if (out.length !== expected.length) return { ok: false, detail: `${out.length} values for ${expected.length}` };
  let worst = -1;
  let err = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs((out[i] as number) - (expected[i] as number));
    if (!(e <= err)) {
      err = Number.isNaN(e) ? Infinity : e;
      worst = i;
    }
  }
  if (worst < 0) return { ok: true, detail: `${n}x${n} integer product exact` };
  return { ok: false, detail: `off by ${err} at row ${Math.floor(worst / n)}, column ${worst % n}` };
}

class ChildDied extends Error {}

export async function openGpuJob(ctx: LabContext<unknown>, o: GpuJobOptions): Promise<GpuJob> {
  const replyMs = o.replyMs ?? 120_000;
  const kaN = o.knownAnswerN ?? KNOWN_ANSWER_N;
  // A private XDG_RUNTIME_DIR for Mesa's EGL (some setups warn or fail without one; here it works
  // either way; EGL_PLATFORM=surfaceless is the one that matters), removed at the end.
  const runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'conc-gpu-'));
  ctx.defer(() => rmSync(runtimeDir, { recursive: true, force: true }));

  const warnings: string[] = [];
  let tail: string[] = [];
  let nextId = 1;
  let child: ChildProcess;

  const start = async (): Promise<ChildProcess> => {
    const c = ctx.fork(o.child ?? GPU_CHILD, [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, EGL_PLATFORM: 'surfaceless', XDG_RUNTIME_DIR: runtimeDir },
    });
    let partial = '';
    let skipTrace = false;
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (d: string) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail = [...tail.slice(-19), line];
        if (/Couldn't load Vulkan/.test(line)) skipTrace = true;
        else if (!/^\s+at /.test(line)) skipTrace = false;
        if (skipTrace || NOISE.some((re) => re.test(line))) continue;
        if (warnings.length < 20 && !warnings.includes(line.trim())) warnings.push(line.trim());
      }
    });
    await ctx.nextMessage(c, 30_000, 'the GPU child to start', (m) => (m as FromChild).type === 'ready');
    return c;
  };

  /** Send a request and wait for its reply; a child that dies first becomes a ChildDied naming what it was doing. */
  const ask = async <T extends FromChild>(req: ToChild, what: string): Promise<T> => {
    const c = child;
    const dead = (): boolean => c.exitCode !== null || c.signalCode !== null;
    let m: T | { type: 'failed'; message: string };
    try {
      if (!c.connected) throw new Error('the channel to the GPU child is closed');
      const reply = ctx.nextMessage<T>(c, replyMs, what, isReply(req.id));
      c.send(req);
      m = await reply;
    } catch (e) {
      if (ctx.signal.aborted || !(dead() || !c.connected)) throw e;
      // Let its last words on stderr arrive (bounded), then say what it was doing.
      if (!dead()) await ctx.waitForExit(c, 1000, 'the GPU child to exit').catch(() => {});
      await new Promise<void>((r) => {
        if (c.stderr === null || c.stderr.readableEnded) return r();
        const t = setTimeout(r, 300);
        c.stderr.once('end', () => (clearTimeout(t), r()));
      });
      const last = tail.filter((l) => !NOISE.some((re) => re.test(l))).slice(-1)[0]?.trim();
      const how = c.signalCode ?? `exit code ${c.exitCode}`;
      throw new ChildDied(`the GPU child process died (${how}) while ${what}${last ? `; it last wrote: ${last.slice(0, 160)}` : ''}`);
    }
    if (m.type === 'failed') throw new Error(`${what}: ${m.message}`);
    return m;
  };

  child = await start();

  // Probe: every backend for auto, only the named one otherwise.
  const { a, b, expected } = knownAnswerInputs(kaN);
  const probes: ProbeSeen[] = [];
  for (const backend of o.requested === 'auto' ? BACKENDS : [o.requested]) {
    ctx.progress(`probing ${backend}`);
    let seen: ProbeReport;
    try {
      const m = await ask<Extract<FromChild, { type: 'probed' }>>(
        { type: 'probe', id: nextId++, backend, ka: { n: kaN, a, b, timing: { warmup: 1, repeat: 5, maxTimeMs: 1000 } } },
        `probing ${backend}`,
      );
      seen = m.probe;
    } catch (e) {
      if (!(e instanceof ChildDied)) throw e;
      // A native crash while probing: this backend is out; probe the rest in a fresh child.
      seen = { backend, available: false, error: e.message.replace(/^the GPU child process died/, 'the probe crashed the GPU child') };
      child = await start();
    }
    const p: ProbeSeen = { backend, available: seen.available };
    if (seen.error) p.error = seen.error;
    if (seen.device) p.device = seen.device;
    if (seen.software !== undefined) p.software = seen.software;
    if (seen.tried) p.tried = seen.tried;
    if (seen.ka) {
      const verdict = judgeKnownAnswer(seen.ka.output, expected, kaN);
      p.firstMs = seen.ka.firstMs;
      p.knownAnswer = {
        ok: verdict.ok,
        detail: verdict.detail,
        // The class after the last call: a fallback mid-way shows there.
        kernelClass: seen.ka.classFirst === seen.ka.classLast ? seen.ka.classLast : `${seen.ka.classFirst}, then ${seen.ka.classLast}`,
        fallbackReason: seen.ka.fallbackReason,
        steadyMs: median(seen.ka.steadyMs),
        bestMs: Math.min(...seen.ka.steadyMs),
      };
    }
    probes.push(p);
  }
  const choice = chooseBackend(o.requested, probes);
  if (choice.ran) await ask({ type: 'use', id: nextId++, backend: choice.ran }, `setting up ${choice.ran}`);

  const observed: Observed[] = [];
  let closed: Promise<{ exitedCleanly: boolean }> | null = null;
  const job: GpuJob = {
    choice,
    probes,
    observed,
    warnings,
    async run(kernel, params, inputs, timing, what) {
      if (!choice.ran) throw new Error(choice.error ?? 'no backend to run on');
      ctx.progress(`${what} on ${choice.ran}`);
      const m = await ask<Extract<FromChild, { type: 'ran' }>>(
        { type: 'run', id: nextId++, kernel, params, inputs, timing },
        `running ${what} on ${choice.ran}`,
      );
      observed.push({ what, classFirst: m.run.classFirst, classLast: m.run.classLast, fallbackReason: m.run.fallbackReason });
      return m.run;
    },
    ranObserved() {
      const classes = [...new Set(observed.flatMap((r) => [r.classFirst, r.classLast]).flatMap((c) => c.split('+')))];
      const only = classes.length === 1 ? backendOfClass(classes[0] as string) : null;
      return { backend: only, classes };
    },
    close() {
      closed ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return { exitedCleanly: false };
        try {
          await ask({ type: 'close', id: nextId++ }, 'closing the GPU child');
          await ctx.waitForExit(child, 3000, 'the GPU child to exit');
          return { exitedCleanly: true };
        } catch {
          return { exitedCleanly: false }; // the tracker kills it at the end of the lab
        }
      })();
      return closed;
    },
  };
  return job;
}

/** The class a backend's kernels run as, for messages. */
export const classOf = (b: Backend): string => KERNEL_CLASS[b];
