/**
 * Lab 11 (using-the-gpu): the lab in --quick form with every check holding
 * whatever backend ran; --backend cpu, webasm and webgpu each running as
 * themselves; bad input, --timeout and Ctrl-C; --image; and a fault test for
 * every check (an off-by-one kernel, a worker that skips work, a child whose
 * kernels run on another backend than the one reported, a known-answer
 * kernel that returns garbage).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../src/render/png.js';
import { isSoftwareDevice } from '../../src/gpu/choice.js';
import { MANDELBROT_TOLERANCE, mandelbrotReference } from '../../src/workloads/mandelbrot.js';
import { parseOptionValue, type OptionSpec } from '../../src/core/options.js';
import { crossoverSize, verdictAt, whyNote } from '../../labs/11-using-the-gpu/crossover.js';
import type { SizeResult } from '../../labs/11-using-the-gpu/sweep.js';
import { timedPlan } from '../../src/gpu/timing.js';
import { checkNamed, labContext } from '../helpers/context.js';
import { ROOT, runCli, runLab } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';

type Report = import('../../src/core/report.js').Report;
type BackendMod = typeof import('../../labs/11-using-the-gpu/backend.js');
type SweepMod = typeof import('../../labs/11-using-the-gpu/sweep.js');
type CasesMod = typeof import('../../labs/11-using-the-gpu/cases.js');
type RowsMod = typeof import('../../src/workloads/rows.js');
const LAB = path.join(ROOT, 'dist/labs/11-using-the-gpu');
const { chooseBackendExperiment, checkBackendRan } = (await import(path.join(LAB, 'backend.js'))) as BackendMod;
const { kernelSweep } = (await import(path.join(LAB, 'sweep.js'))) as SweepMod;
const { matmulCases, vectorAddCases } = (await import(path.join(LAB, 'cases.js'))) as CasesMod;
const { startRowWorkers } = (await import(path.join(ROOT, 'dist/src/workloads/rows.js'))) as RowsMod;
const fault = (f: string): URL => pathToFileURL(path.join(ROOT, 'test/fixtures/faults/lab-11', f));

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});
function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'conc-lab11-'));
  tmpDirs.push(d);
  return d;
}

const CHECKS = [
  'vector add within float32 tolerance',
  'matmul within float32 tolerance',
  'reduction within float32 tolerance',
  'mandelbrot within float32 tolerance',
  'kernels ran on the reported backend',
];

function allChecksHold(r: Report): void {
  expect(r.error, r.error?.message).toBeUndefined();
  expect(r.checks.map((c) => c.name)).toEqual(CHECKS);
  for (const c of r.checks) expect(c, `${c.name}: ${c.detail ?? c.reason ?? ''}`).toMatchObject({ ok: true, skipped: false });
  expect(r.status).toBe('ok');
  expect(schemaErrors(r)).toEqual([]);
}

/** Processes whose environment carries the marker (the CLI, its lab host, the GPU child, their threads' process). */
function markedPids(mark: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z/.test(stat)) continue;
      if (readFileSync(`/proc/${d}/environ`, 'latin1').includes(`CONC_LAB11_MARK=${mark}`)) pids.push(Number(d));
    } catch {
      /* gone, or not ours */
    }
  }
  return pids;
}

/** Is the Mesa EGL stack Dawn's OpenGL ES route needs installed (apt: libegl1 libegl-mesa0 libegl-dev libgl1-mesa-dri)? */
function mesaEglMissing(): string | null {
  let libs = '';
  try {
    libs = execFileSync('ldconfig', ['-p'], { encoding: 'utf8' });
  } catch {
    return 'ldconfig is not available to look for libEGL';
  }
  const missing = ['libEGL.so ', 'libEGL_mesa.so.0'].filter((l) => !libs.includes(l)).map((m) => m.trim());
  const dri = ['/usr/lib/x86_64-linux-gnu/dri', '/usr/lib/aarch64-linux-gnu/dri', '/usr/lib64/dri', '/usr/lib/dri'];
  if (!dri.some((d) => existsSync(path.join(d, 'swrast_dri.so')))) missing.push('swrast_dri.so');
  return missing.length ? `not installed: ${missing.join(', ')} (apt: libegl1 libegl-mesa0 libegl-dev libgl1-mesa-dri)` : null;
}

describe('using-the-gpu: the pieces (pure)', () => {
  const at = (size: number, js: number[], gpu: number[]): SizeResult => ({
    size: String(size),
    sizeValue: size,
    variants: [
      { impl: 'js', label: 'js', firstMs: 1, steady: js, error: 0, tolerance: 0, ok: true },
      { impl: 'workers', label: 'w', firstMs: 1, steady: js.map((x) => x / 2), error: 0, tolerance: 0, ok: true },
      { impl: 'gpu.js', label: 'g', firstMs: 1, steady: gpu, error: 0, tolerance: 0, ok: true },
    ],
  });
  const around = (m: number): number[] => [m * 0.98, m * 0.99, m, m * 1.01, m * 1.02];

  it('a win needs the whole speedup range above 1, from three timed calls a side', () => {
    expect(verdictAt(at(64, around(10), around(5)), 'js')?.verdict).toBe('win');
    expect(verdictAt(at(64, around(5), around(10)), 'js')?.verdict).toBe('lose');
    expect(verdictAt(at(64, [5, 9, 20], [6, 10, 19]), 'js')?.verdict).toBe('tie');
    expect(verdictAt(at(64, [10], [1]), 'js')?.verdict).toBe('too few runs');
    expect(verdictAt(at(64, around(10), around(5)), 'js')?.speedup.value).toBeCloseTo(2, 10);
  });

  it('the crossover is the smallest size from which gpu.js wins at every larger one', () => {
    const sizes = [at(64, around(1), around(4)), at(128, around(8), around(4)), at(256, around(64), around(8)), at(512, around(512), around(20))];
    expect(crossoverSize(sizes, 'js')).toBe('128');
    expect(crossoverSize([...sizes].reverse(), 'js')).toBe('128');
    expect(crossoverSize([at(64, around(8), around(4)), at(128, around(1), around(4)), at(256, around(64), around(8))], 'js')).toBe('256');
    expect(crossoverSize(sizes.slice(0, 1), 'js')).toBeNull();
  });

  it('the why note says no GPU computed when webasm or cpu ran, and names a software device', () => {
    const base = { requested: 'auto' as const, skipped: [] };
    expect(whyNote({ ...base, ran: 'webasm', device: 'WebAssembly on X', software: true }, 0, 4, null)).toMatch(/^No GPU computed here: gpu\.js ran webasm/);
    const sw = whyNote({ ...base, ran: 'webgpu', device: 'llvmpipe-llvm-15 via Dawn OpenGL ES (Mesa)', software: true }, 1, 4, { size: '65,536', gbps: 0.1, cpuGbps: 0.3 });
    expect(sw).toMatch(/^gpu\.js ran webgpu on llvmpipe-llvm-15, a software rasterizer/);
    expect(sw).toContain('0.10 GB/s through gpu.js, 0.30 GB/s in plain JS');
    expect(whyNote({ ...base, ran: 'webgpu', device: 'NVIDIA H100 via Dawn Vulkan/Metal/D3D', software: false }, 4, 4, null)).toMatch(/NVIDIA H100, a hardware GPU; it beat the workers on 4 of 4 kernels/);
  });

  it('both sides time at least three calls after the first, and long first calls skip the warm-up', () => {
    const t = { warmup: 1, repeat: 5, maxTimeMs: 3000 };
    expect(timedPlan(t, 10)).toEqual({ warmup: 1, repeat: 5, maxTimeMs: 3000 });
    expect(timedPlan(t, 5000)).toEqual({ warmup: 0, repeat: 5, maxTimeMs: 18000 });
    expect(timedPlan({ ...t, repeat: 1 }, 1).repeat).toBe(3);
    expect(timedPlan(t, 60_000).maxTimeMs).toBe(30_000);
  });
});

describe('using-the-gpu: the lab', () => {
  let auto: Report;

  it('--quick: every check holds whatever backend ran, and the report says which ran, truthfully', async () => {
    auto = await runLab(11, ['--quick']);
    allChecksHold(auto);
    const g = auto.gpu;
    expect(g).toBeDefined();
    if (!g) return;
    expect(g.requested).toBe('auto');
    expect(['webgpu', 'headlessgl', 'webasm', 'cpu']).toContain(g.ran);
    // Every backend auto tried and did not use is named, with a reason.
    expect(g.skipped.map((s) => s.backend).sort()).toEqual(['webgpu', 'headlessgl', 'webasm', 'cpu'].filter((b) => b !== g.ran).sort());
    for (const s of g.skipped) expect(s.reason.length).toBeGreaterThan(5);
    const probed = auto.tables[0];
    expect(probed?.title).toMatch(/^Backends probed/);
    expect(probed?.rows.filter((r) => r.used === 'ran').map((r) => r.backend)).toEqual([g.ran]);
    // Four kernel tables, each with the three variants at each size, and the crossover table.
    expect(auto.tables.map((t) => t.title)).toEqual([
      probed?.title,
      'Vector add',
      'Matmul',
      'Reduction',
      'Mandelbrot',
      `Where gpu.js ${g.ran} starts to win (steady state)`,
    ]);
    expect(auto.tables[2]?.rows.map((r) => r.variant)).toEqual(Array(3).fill(['js, 1 thread', expect.stringMatching(/^js, \d+ workers?$/), `gpu.js ${g.ran}`]).flat());
    expect(auto.metrics.filter((m) => m.name === 'steady time' && m.variant.impl === 'gpu.js').every((m) => m.variant.backend === g.ran)).toBe(true);
    expect(auto.durationMs).toBeLessThan(60_000);
    // As printed on an 80-column terminal, nothing is wider: the backend line, the notes, the checks.
    const { renderText } = (await import(path.join(ROOT, 'dist/src/render/text.js'))) as typeof import('../../src/render/text.js');
    const { makeStyle } = (await import(path.join(ROOT, 'dist/src/render/style.js'))) as typeof import('../../src/render/style.js');
    const { displayWidth } = (await import(path.join(ROOT, 'dist/src/render/format.js'))) as typeof import('../../src/render/format.js');
    const text = renderText(auto, makeStyle(false, 80));
    expect(text).toMatch(new RegExp(`^backend: ${g.ran} \\(asked: auto\\) · `, 'm'));
    for (const l of text.split('\n')) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
  });

  it('--backend cpu runs as itself, with the same outputs for the same seed as auto (they come from the float64 references)', async () => {
    const r = await runLab(11, ['--quick', '--backend', 'cpu']);
    allChecksHold(r);
    expect(r.gpu).toMatchObject({ requested: 'cpu', ran: 'cpu', software: true, skipped: [] });
    expect(r.gpu?.device).toMatch(/^JavaScript on /);
    expect(r.outputs).toEqual(auto.outputs);
    expect(Object.keys(r.outputs)).toHaveLength(10);
  });

  it('--backend webasm runs as itself; --image writes the PNG it computed, black where the orbit stayed bounded', async () => {
    const file = path.join(tmpDir(), 'mandel.png');
    const r = await runLab(11, ['--quick', '--backend', 'webasm', '--sizes', '16,32', '--image', file, '--image-width', '140', '--image-height', '100']);
    allChecksHold(r);
    expect(r.gpu).toMatchObject({ requested: 'webasm', ran: 'webasm', software: true, skipped: [] });
    const png = decodePng(readFileSync(file));
    expect([png.width, png.height]).toEqual([140, 100]);
    const ref = mandelbrotReference(140, 100, 200);
    let differ = 0;
    for (let p = 0; p < 140 * 100; p++) {
      const black = png.pixels[3 * p] === 0 && png.pixels[3 * p + 1] === 0 && png.pixels[3 * p + 2] === 0;
      if (black !== (ref[p] === 0)) differ++;
    }
    expect(differ / (140 * 100)).toBeLessThanOrEqual(MANDELBROT_TOLERANCE);
    expect(r.notes.some((n) => n.startsWith(`wrote ${file}: 140x100 PNG`))).toBe(true);
    expect(readdirSync(path.dirname(file))).toEqual(['mandel.png']);
  });

  it('--backend webgpu runs WebGPU through Dawn (on Mesa\'s software rasterizer without a GPU) and reports it honestly', async (t) => {
    const missing = mesaEglMissing();
    if (missing) t.skip(missing);
    const r = await runLab(11, ['--quick', '--backend', 'webgpu', '--sizes', '16,32', '--image-width', '70', '--image-height', '50']);
    allChecksHold(r);
    expect(r.gpu).toMatchObject({ requested: 'webgpu', ran: 'webgpu', skipped: [] });
    expect(r.gpu?.software).toBe(isSoftwareDevice(r.gpu?.device ?? ''));
    expect(checkNamed(r, /reported backend/).detail).toBe('WebGPUKernel in all 7 runs, as asked');
    // Dawn and navigator.gpu were let go: the child left by itself.
    expect(r.notes.filter((n) => /did not exit/.test(n))).toEqual([]);
  });
});

describe('using-the-gpu: the command line', () => {
  it.each([
    [['--backend', 'nope'], '--backend must be one of auto, webgpu, headlessgl, webasm, cpu, got "nope"'],
    [['--sizes', '0'], '--sizes must be a comma-separated list of integers from 8 to 2048 (1 to 8 items), got "0"'],
    [['--image', '/nonexistent-conc-dir/m.png'], '--image "/nonexistent-conc-dir/m.png": directory /nonexistent-conc-dir does not exist'],
    [['--image-width', '-4'], '--image-width must be an integer from 1 to 8192, got "-4"'],
  ])('bad input %j: exit 2 with one line', async (args, line) => {
    const r = await runCli(['lab', '11', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`conc: ${line}\n`);
    expect(r.stdout).toBe('');
  });

  it('--image must name a file in a writable directory', () => {
    const spec: OptionSpec = { type: 'string', default: '', meta: 'a .png file to write', file: true, help: 'i' };
    const dir = tmpDir();
    expect(parseOptionValue('--image', spec, path.join(dir, 'a.png'))).toBe(path.join(dir, 'a.png'));
    expect(() => parseOptionValue('--image', spec, dir)).toThrow(`--image "${dir}" is a directory`);
    expect(() => parseOptionValue('--image', spec, '/etc/hostname/x.png')).toThrow('/etc/hostname is not a directory');
  });

  it('a named backend that cannot run fails in one clear line (headless GL: no gl module or no X server here)', async () => {
    const r = await runCli(['lab', '11', '--quick', '--backend', 'headlessgl', '--sizes', '16']);
    if (r.code === 0) {
      expect(r.stdout).toMatch(/backend: headlessgl \(asked: headlessgl\)/); // a machine where headless GL works
      return;
    }
    expect(r.code).toBe(1);
    const verdict = r.stdout.trim().split('\n').at(-1) ?? '';
    expect(verdict).toMatch(/^✗ error — --backend headlessgl cannot run here: (the optional gl module did not load: .+|gl loaded but gave no GL context .+)$/);
  });

  it('--timeout 1 exits 3 promptly and leaves no process behind', async () => {
    const mark = `t${process.pid}-${Date.now()}`;
    const r = await runCli(['lab', '11', '--timeout', '1'], { env: { CONC_LAB11_MARK: mark } });
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(5000); // node start, 1 s, then the host's bounded kill; about 3 s here under load 12
    expect(r.stdout).toMatch(/✗ timeout — lab 11 \(using-the-gpu\) timed out after 1 s/);
    await new Promise((res) => setTimeout(res, 300));
    expect(markedPids(mark)).toEqual([]);
  });

  it('Ctrl-C while the GPU child runs exits 130 and leaves no process behind', async () => {
    const mark = `i${process.pid}-${Date.now()}`;
    let cliPid = 0;
    const p = runCli(['lab', '11'], { env: { CONC_LAB11_MARK: mark }, onSpawn: (pid) => (cliPid = pid) });
    // Wait until the GPU child is up (a second process carrying the mark besides the CLI).
    const t0 = Date.now();
    while (Date.now() - t0 < 20_000) {
      const child = markedPids(mark).find((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('gpu/child.js');
        } catch {
          return false;
        }
      });
      if (child) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    process.kill(cliPid, 'SIGINT');
    const r = await p;
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/✗ interrupted/);
    await new Promise((res) => setTimeout(res, 300));
    expect(markedPids(mark)).toEqual([]);
  });

  it('conc list does not load gpu.js: only the GPU child does', () => {
    const probe = `
      const { createRequire } = await import('node:module');
      await import(${JSON.stringify(pathToFileURL(path.join(LAB, 'lab.js')).href)});
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(cache.filter((k) => /gpu\\.js|webgpu/.test(k))));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([]);
    // Statically too: nothing but the child's server names gpu.js, webgpu or gl.
    const files = [LAB, path.join(ROOT, 'dist/src/gpu'), path.join(ROOT, 'dist/src/workloads')].flatMap((d) =>
      readdirSync(d).filter((f) => f.endsWith('.js')).map((f) => path.join(d, f)),
    );
    const loaders = files.filter((f) => /(require|import)\(['"](gpu\.js|webgpu|gl)['"]\)|from ['"](gpu\.js|webgpu)['"]/.test(readFileSync(f, 'utf8')));
    expect(loaders.map((f) => path.relative(ROOT, f))).toEqual(['dist/src/gpu/serve.js']);
    expect(existsSync(path.join(ROOT, 'dist/src/gpu/child.js'))).toBe(true);
  });
});

describe('using-the-gpu: each check fails on the fault it guards against', () => {
  const timing = { warmup: 0, repeat: 2, maxTimeMs: 500 };
  const seed = (l: string): number => l.length * 7919;

  it('an off-by-one in the GPU matmul kernel fails the matmul tolerance check', async () => {
    const { ctx, report, done } = await labContext();
    try {
      const job = await chooseBackendExperiment(ctx, { requested: 'webasm', child: fault('off-by-one-matmul.child.js') });
      const workers = await startRowWorkers(ctx, 2);
      await kernelSweep(ctx, { job, workers, timing, cases: vectorAddCases(seed, [16]) });
      await kernelSweep(ctx, { job, workers, timing, cases: matmulCases(seed, [16, 32]) });
    } finally {
      await done();
    }
    expect(checkNamed(report, /^vector add within/)).toMatchObject({ ok: true, skipped: false });
    const c = checkNamed(report, /^matmul within/);
    expect(c).toMatchObject({ ok: false, skipped: false });
    expect(c.detail).toMatch(/^webasm 16x16: \d\.\de-?\d+ > \d\.\de-\d+, \+1 more$/);
  });

  it('a worker that skips a row fails the tolerance check', async () => {
    const { ctx, report, done } = await labContext();
    try {
      const job = await chooseBackendExperiment(ctx, { requested: 'cpu' });
      const workers = await startRowWorkers(ctx, 2, fault('lazy-rows.worker.js'));
      await kernelSweep(ctx, { job, workers, timing, cases: matmulCases(seed, [16]) });
    } finally {
      await done();
    }
    expect(checkNamed(report, /^matmul within/)).toMatchObject({ ok: false, skipped: false, detail: expect.stringMatching(/^workers 16x16: /) });
  });

  it('kernels that ran on another backend than the one reported fail the backend check, and gpu.ran tells the truth', async () => {
    const { ctx, report, done } = await labContext();
    try {
      const job = await chooseBackendExperiment(ctx, { requested: 'cpu', child: fault('run-lie.child.js') });
      expect(job.choice.ran).toBe('cpu'); // the probe was honest
      const workers = await startRowWorkers(ctx, 1);
      await kernelSweep(ctx, { job, workers, timing, cases: vectorAddCases(seed, [16]) });
      expect(checkBackendRan(ctx, job)).toBe('webasm');
    } finally {
      await done();
    }
    const c = checkNamed(report, /reported backend/);
    expect(c).toMatchObject({ ok: false, skipped: false });
    expect(c.detail).toBe('reported cpu, ran WebAssemblyKernel (vector add 256)');
    expect(report.gpu).toMatchObject({ requested: 'cpu', ran: 'webasm', software: true });
  });

  it('the same check passes on an honest child (the fault, not the check, made it fail)', async () => {
    const { ctx, report, done } = await labContext();
    try {
      const job = await chooseBackendExperiment(ctx, { requested: 'cpu' });
      const workers = await startRowWorkers(ctx, 1);
      await kernelSweep(ctx, { job, workers, timing, cases: vectorAddCases(seed, [16]) });
      checkBackendRan(ctx, job);
    } finally {
      await done();
    }
    expect(checkNamed(report, /reported backend/)).toMatchObject({ ok: true, detail: 'CPUKernel in all 1 runs, as asked' });
    expect(report.gpu).toMatchObject({ requested: 'cpu', ran: 'cpu' });
  });

  it('a named backend whose known-answer kernel returns garbage does not run: the lab fails with one line', async () => {
    const { ctx, report, done } = await labContext();
    let err: Error | undefined;
    try {
      await chooseBackendExperiment(ctx, { requested: 'webasm', child: fault('garbage-known-answer.child.js') });
    } catch (e) {
      err = e as Error;
    } finally {
      await done();
    }
    expect(err?.message).toMatch(/^--backend webasm cannot run here: its known-answer kernel returned wrong values: off by \d+ at row \d+, column \d+$/);
    expect(report.gpu).toBeUndefined();
    expect(report.tables[0]?.rows).toEqual([expect.objectContaining({ backend: 'webasm', ka: 'wrong', used: 'no' })]);
  });
});
