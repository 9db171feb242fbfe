/**
 * The backend choice, with fake adapters: pure rules from probe results to
 * the backend and the reasons the others were not used.
 */
import { describe, expect, it } from 'vitest';
import { SOFTWARE_MARGIN, chooseBackend, isSoftwareDevice, type Probe } from '../../src/gpu/choice.js';

const ka = (kernelClass: string, bestMs: number, ok = true): NonNullable<Probe['knownAnswer']> => ({
  ok,
  detail: ok ? '128x128 integer product exact' : 'off by 3 at row 0, column 1',
  kernelClass,
  fallbackReason: null,
  steadyMs: bestMs * 1.1,
  bestMs,
});
const hardware: Probe = { backend: 'webgpu', available: true, device: 'NVIDIA H100 via Dawn Vulkan/Metal/D3D', software: false, knownAnswer: ka('WebGPUKernel', 0.3) };
const software = (bestMs: number): Probe => ({
  backend: 'webgpu',
  available: true,
  device: 'llvmpipe-llvm-15 via Dawn OpenGL ES (OpenGL ES 3.2 Mesa 22.3.6)',
  software: true,
  knownAnswer: ka('WebGPUKernel', bestMs),
});
const noGl: Probe = { backend: 'headlessgl', available: false, error: "the optional gl module did not load: Cannot find module 'gl'" };
const webasm: Probe = { backend: 'webasm', available: true, device: 'WebAssembly on AMD EPYC', software: true, knownAnswer: ka('WebAssemblyKernel', 10) };
const cpu: Probe = { backend: 'cpu', available: true, device: 'JavaScript on AMD EPYC', software: true, knownAnswer: ka('CPUKernel', 40) };

const reasons = (c: ReturnType<typeof chooseBackend>): Record<string, string> => Object.fromEntries(c.skipped.map((s) => [s.backend, s.reason]));

describe('chooseBackend, auto', () => {
  it('takes a hardware GPU first, and says why every other backend was not used', () => {
    const c = chooseBackend('auto', [hardware, noGl, webasm, cpu]);
    expect(c).toMatchObject({ requested: 'auto', ran: 'webgpu', software: false, device: hardware.device });
    expect(c.error).toBeUndefined();
    expect(c.skipped.map((s) => s.backend)).toEqual(['headlessgl', 'webasm', 'cpu']);
    expect(reasons(c)).toEqual({
      headlessgl: "the optional gl module did not load: Cannot find module 'gl'",
      webasm: 'not needed: webgpu comes first',
      cpu: 'not needed: webgpu comes first',
    });
  });

  it('passes over a software device that is not clearly faster than WebAssembly, naming it and the times', () => {
    const c = chooseBackend('auto', [software(9), noGl, webasm, cpu]);
    expect(c).toMatchObject({ ran: 'webasm', software: true, device: 'WebAssembly on AMD EPYC' });
    expect(reasons(c).webgpu).toBe('software device llvmpipe-llvm-15, not clearly faster than webasm (probe best 9.0 ms vs 10 ms)');
    expect(reasons(c).cpu).toBe('not needed: webasm comes first');
  });

  it('uses a software device that is clearly faster than WebAssembly, and reports it as software', () => {
    const c = chooseBackend('auto', [software(10 * SOFTWARE_MARGIN * 0.9), noGl, webasm, cpu]);
    expect(c).toMatchObject({ ran: 'webgpu', software: true });
    expect(reasons(c).webasm).toBe('not needed: webgpu comes first');
  });

  it('judges a software device against gpu.js cpu when webasm is out', () => {
    const brokenWasm: Probe = { ...webasm, knownAnswer: ka('WebAssemblyKernel', 10, false) };
    expect(chooseBackend('auto', [software(20), noGl, brokenWasm, cpu]).ran).toBe('webgpu');
    expect(chooseBackend('auto', [software(39), noGl, brokenWasm, cpu]).ran).toBe('cpu');
  });

  it('never uses a backend whose known-answer kernel returned wrong values', () => {
    const wrong: Probe = { ...hardware, knownAnswer: ka('WebGPUKernel', 0.3, false) };
    const c = chooseBackend('auto', [wrong, noGl, webasm, cpu]);
    expect(c.ran).toBe('webasm');
    expect(reasons(c).webgpu).toBe('its known-answer kernel returned wrong values: off by 3 at row 0, column 1');
  });

  it('never uses a backend whose known-answer kernel ran as another class (a silent fallback)', () => {
    const fellBack: Probe = { ...hardware, knownAnswer: { ...ka('CPUKernel', 30), fallbackReason: 'shader failed' } };
    const c = chooseBackend('auto', [fellBack, noGl, webasm, cpu]);
    expect(c.ran).toBe('webasm');
    expect(reasons(c).webgpu).toBe('its known-answer kernel ran as CPUKernel, not WebGPUKernel (gpu.js fell back: shader failed)');
  });

  it('falls back in the stated order: webasm, then cpu, then a slow software device', () => {
    const out = (p: Probe): Probe => ({ ...p, available: false, error: 'gone' });
    expect(chooseBackend('auto', [out(hardware), noGl, webasm, cpu]).ran).toBe('webasm');
    expect(chooseBackend('auto', [out(hardware), noGl, out(webasm), cpu]).ran).toBe('cpu');
    expect(chooseBackend('auto', [software(100), noGl, out(webasm), out(cpu)]).ran).toBe('webgpu');
  });

  it('says so in one line when no backend passed', () => {
    const c = chooseBackend('auto', [{ ...noGl, backend: 'webgpu', error: 'no WebGPU adapter' }, noGl, { ...webasm, knownAnswer: ka('WebAssemblyKernel', 1, false) }, { ...cpu, knownAnswer: ka('CPUKernel', 1, false) }]);
    expect(c.ran).toBeNull();
    expect(c.error).toMatch(/^no gpu\.js backend passed its known-answer kernel: webgpu: no WebGPU adapter; headlessgl: .*; webasm: its known-answer kernel returned wrong values/);
    expect(c.error).not.toContain('\n');
  });
});

describe('chooseBackend, a backend named with --backend', () => {
  it('runs as itself, software or not, with nothing else tried', () => {
    expect(chooseBackend('webgpu', [software(50)])).toEqual({ requested: 'webgpu', ran: 'webgpu', device: software(50).device, software: true, skipped: [] });
    expect(chooseBackend('webasm', [webasm])).toMatchObject({ ran: 'webasm', skipped: [] });
  });

  it('or not at all, with one line saying why', () => {
    const c = chooseBackend('headlessgl', [noGl]);
    expect(c.ran).toBeNull();
    expect(c.error).toBe("--backend headlessgl cannot run here: the optional gl module did not load: Cannot find module 'gl'");
    expect(c.skipped).toEqual([{ backend: 'headlessgl', reason: noGl.error }]);
    const lying = chooseBackend('webgpu', [{ ...hardware, knownAnswer: ka('WebAssemblyKernel', 1) }]);
    expect(lying.error).toBe('--backend webgpu cannot run here: its known-answer kernel ran as WebAssemblyKernel, not WebGPUKernel');
    expect(chooseBackend('cpu', []).error).toBe('--backend cpu cannot run here: it was not probed');
  });
});

describe('isSoftwareDevice', () => {
  it('knows the software rasterizers and an adapter that says it is a fallback', () => {
    for (const name of ['llvmpipe (LLVM 15.0.6, 256 bits)', 'lavapipe', 'SwiftShader Device (Subzero)', 'Microsoft Basic Render Driver', 'softpipe', 'Mesa swrast'])
      expect(isSoftwareDevice(name)).toBe(true);
    expect(isSoftwareDevice('NVIDIA H100 80GB HBM3')).toBe(false);
    expect(isSoftwareDevice('AMD Radeon RX 7900 (RADV NAVI31)')).toBe(false);
    expect(isSoftwareDevice('Some GPU', true)).toBe(true);
  });
});
