/**
 * The GPU job: a real child process probes and runs gpu.js backends; faults
 * injected into the child (a known-answer kernel returning garbage, a probe
 * that claims a hardware adapter, a native crash) are caught and named.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labContext } from '../helpers/context.js';
import { ROOT } from '../helpers/run-lab.js';

type JobMod = typeof import('../../src/gpu/job.js');
const { openGpuJob, knownAnswerInputs, judgeKnownAnswer } = (await import(path.join(ROOT, 'dist/src/gpu/job.js'))) as JobMod;
const fault = (f: string): URL => pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-11', f));
const timing = { warmup: 0, repeat: 2, maxTimeMs: 1000 };

describe('the known answer', () => {
  it('is exact for a right product and names the first wrong value otherwise', () => {
    const { a, b, expected } = knownAnswerInputs(16);
    expect(Math.max(...a)).toBe(4);
    expect(judgeKnownAnswer(Float32Array.from(expected), expected, 16)).toEqual({ ok: true, detail: '16x16 integer product exact' });
    const wrong = Float32Array.from(expected);
    wrong[17] = (wrong[17] as number) + 3;
    expect(judgeKnownAnswer(wrong, expected, 16)).toEqual({ ok: false, detail: 'off by 3 at row 1, column 1' });
    expect(judgeKnownAnswer(new Float32Array(3), expected, 16).ok).toBe(false);
    expect(judgeKnownAnswer(Float32Array.from(expected, (v, i) => (i === 5 ? NaN : v)), expected, 16).detail).toBe('off by Infinity at row 0, column 5');
    void b;
  });
});

describe('openGpuJob', () => {
  it.each(['cpu', 'webasm'] as const)('probes and runs %s, reporting the class after the first and the last call', async (backend) => {
    const { ctx, done } = await labContext();
    try {
      const job = await openGpuJob(ctx, { requested: backend });
      expect(job.choice).toMatchObject({ requested: backend, ran: backend, software: true, skipped: [] });
      expect(job.probes).toHaveLength(1);
      expect(job.probes[0]?.knownAnswer).toMatchObject({ ok: true });
      const n = 8;
      const a = Float32Array.from({ length: n * n }, (_, i) => i % 5);
      const b = Float32Array.from({ length: n * n }, (_, i) => i % 3);
      const r = await job.run('matmul', { n }, [a, b], timing, 'matmul 8');
      expect(r.output).toHaveLength(n * n);
      expect(r.output[0]).toBe([0, 1, 2, 3, 4, 0, 1, 2].reduce((s, v, k) => s + v * ((k * n) % 3), 0));
      expect(r.steadyMs.length).toBeGreaterThanOrEqual(2);
      const cls = backend === 'cpu' ? 'CPUKernel' : 'WebAssemblyKernel';
      expect(job.observed).toEqual([{ what: 'matmul 8', classFirst: cls, classLast: cls, fallbackReason: null }]);
      expect(job.ranObserved()).toEqual({ backend, classes: [cls] });
      expect(await job.close()).toEqual({ exitedCleanly: true });
    } finally {
      await done();
    }
  });

  it('a backend whose known-answer kernel returns garbage is not used: auto says none passed, a named one cannot run, in one line', async () => {
    const { ctx, done } = await labContext();
    try {
      const auto = await openGpuJob(ctx, { requested: 'auto', child: fault('garbage-known-answer.child.js') });
      expect(auto.choice.ran).toBeNull();
      expect(auto.choice.error).toMatch(/^no gpu\.js backend passed its known-answer kernel: .*webasm: its known-answer kernel returned wrong values: off by/);
      expect(auto.choice.error).not.toContain('\n');
      await auto.close();
      const named = await openGpuJob(ctx, { requested: 'webasm', child: fault('garbage-known-answer.child.js') });
      expect(named.choice.ran).toBeNull();
      expect(named.choice.error).toMatch(/^--backend webasm cannot run here: its known-answer kernel returned wrong values: off by \d+ at row \d+, column \d+$/);
      await named.close();
    } finally {
      await done();
    }
  });

  it('a probe that claims a hardware WebGPU adapter while webasm computes is caught by the class its kernel ran as', async () => {
    const { ctx, done } = await labContext();
    try {
      const job = await openGpuJob(ctx, { requested: 'auto', child: fault('lying-webgpu.child.js') });
      expect(job.probes[0]).toMatchObject({ backend: 'webgpu', available: true, device: 'Fake GPU 9000 via nothing', software: false });
      expect(job.choice.ran).toBe('webasm');
      expect(job.choice.skipped[0]).toEqual({ backend: 'webgpu', reason: 'its known-answer kernel ran as WebAssemblyKernel, not WebGPUKernel' });
      await job.close();
      const named = await openGpuJob(ctx, { requested: 'webgpu', child: fault('lying-webgpu.child.js') });
      expect(named.choice.error).toBe('--backend webgpu cannot run here: its known-answer kernel ran as WebAssemblyKernel, not WebGPUKernel');
      await named.close();
    } finally {
      await done();
    }
  });

  it('a native crash while probing takes out that backend only; while running, it is an error naming the backend', async () => {
    const { ctx, done } = await labContext();
    try {
      const job = await openGpuJob(ctx, { requested: 'auto', child: fault('crash.child.js') });
      expect(job.choice.skipped.find((s) => s.backend === 'webgpu')?.reason).toMatch(/^the probe crashed the GPU child \(SIGSEGV\) while probing webgpu/);
      expect(job.choice.ran).toBe('webasm');
      const a = new Float32Array(16);
      await expect(job.run('matmul', { n: 4 }, [a, a], timing, 'matmul 4x4')).rejects.toThrow(
        /^the GPU child process died \(SIGSEGV\) while running matmul 4x4 on webasm/,
      );
      expect(await job.close()).toEqual({ exitedCleanly: false });
    } finally {
      await done();
    }
  });
});
