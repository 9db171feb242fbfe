/**
 * CPU profile (lab side): a worker profiles itself through node:inspector;
 * the lab ranks functions by self time and, with --cpu-prof DIR, writes the
 * profile as a .cpuprofile that Chrome DevTools opens.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabContext } from '../../src/core/lab.js';
import { machineBusyMs, othersCores } from '../../src/measure/contention.js';
import type { CpuProfile, ProfileReply, ProfileRequest } from './messages.js';

const PLANTED = [
  { name: 'hotLoop', share: 0.6 },
  { name: 'warmLoop', share: 0.3 },
  { name: 'coolLoop', share: 0.1 },
];
/**
 * How far a planted function's share of the three may stray from its work
 * share. With n samples the share's standard error is at most 0.5 / sqrt(n):
 * 0.05 at the minimum n below, so the tolerance is 3 standard errors.
 */
const SHARE_TOLERANCE = 0.15;
const MIN_PLANTED_SAMPLES = 100;
/** Profiles taken at most (each twice as long as the last), while too few samples land in the planted functions. */
const PROFILE_TRIES = 3;
/** Too few samples are excused only when other processes left less than this much of one core. */
const BUSY_LEFT = 0.5;
const INTERVAL_US = 200;
const RANK_CHECK = 'profile ranks work 6 : 3 : 1';
const FILE_CHECK = 'the .cpuprofile file reads back';

/**
 * Make DIR (with parents) and make sure a file can be written there, before
 * any experiment runs, so that a bad --cpu-prof fails fast with one clear line.
 * Parents are made one by one: mkdirSync(..., { recursive: true }) on Node 20
 * can spin forever on some paths (e.g. under /proc), and a thread stuck in a
 * system call cannot be terminated.
 */
export function prepareProfileDir(dir: string): string {
  const abs = path.resolve(dir);
  try {
    const missing: string[] = [];
    for (let p = abs; !existsSync(p); p = path.dirname(p)) {
      missing.push(p);
      if (path.dirname(p) === p) break;
    }
    for (const d of missing.reverse()) mkdirSync(d);
    if (!statSync(abs).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    accessSync(abs, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const why = WHY[code] ? `${WHY[code]} (${code})` : code || (e as Error).message;
    throw new Error(`--cpu-prof: cannot write profiles to "${dir}": ${why}`);
  }
  return abs;
}

const WHY: Record<string, string> = {
  ENOTDIR: 'it (or a parent) is not a directory',
  EEXIST: 'it (or a parent) is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOENT: 'it cannot be created there',
};

const plantedSamples = (times: readonly SelfTime[]): number =>
  PLANTED.reduce((n, p) => n + (times.find((x) => x.functionName === p.name)?.samples ?? 0), 0);

export interface SelfTime {
  functionName: string;
  location: string;
  ms: number;
  samples: number;
}

/**
 * Self time per function, as DevTools computes it: sample i lasts until the
 * next one (timeDeltas[i + 1]; the last one until endTime). Nodes are call
 * paths, so the same function appears under several; they are merged by
 * name and location.
 */
export function selfTimes(p: CpuProfile): SelfTime[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, SelfTime>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) t += p.timeDeltas[i] ?? 0;
  for (let i = 0; i < p.samples.length; i++) {
    const us = i + 1 < p.samples.length ? (p.timeDeltas[i + 1] ?? 0) : Math.max(0, p.endTime - t);
    const f = byId.get(p.samples[i] as number)?.callFrame;
    if (!f) continue;
    const location = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName}@${f.url}:${f.lineNumber}`;
    const e = out.get(key) ?? { functionName: f.functionName || '(anonymous)', location, ms: 0, samples: 0 };
    e.ms += us / 1000;
    e.samples++;
    out.set(key, e);
  }
  return [...out.values()].sort((a, b) => b.ms - a.ms);
}

/** Problems with a .cpuprofile as DevTools would load it; empty when fine. */
export function profileProblems(doc: unknown): string[] {
  const p = doc as Partial<CpuProfile> | null;
  if (!p || typeof p !== 'object') return ['not an object'];
  const problems: string[] = [];
  if (!Array.isArray(p.nodes) || p.nodes.length === 0) problems.push('no nodes');
  if (!Array.isArray(p.samples) || p.samples.length === 0) problems.push('no samples');
  if (!Array.isArray(p.timeDeltas) || p.timeDeltas.length !== p.samples?.length) problems.push('timeDeltas do not match samples');
  if (typeof p.startTime !== 'number' || typeof p.endTime !== 'number' || p.endTime < p.startTime) problems.push('bad start/end time');
  if (problems.length === 0) {
    const ids = new Set((p.nodes as CpuProfile['nodes']).map((n) => n.id));
    if (!(p.samples as number[]).every((s) => ids.has(s))) problems.push('a sample names no node');
  }
  return problems;
}

export interface ProfileOptions {
  /** How long the worker runs its workload under the profiler, ms. */
  durationMs: number;
  /** Where to write the .cpuprofile ('' for nowhere); made by prepareProfileDir. */
  dir: string;
  /** The profiled worker file. The seam for the rank check's fault test (the work ratio reversed). */
  worker?: URL;
  /** Writes the profile file. The seam for the file check's fault test. */
  write?: (file: string, profile: CpuProfile) => void;
}

export async function cpuProfile(ctx: LabContext<unknown>, o: ProfileOptions): Promise<void> {
  const { durationMs, dir } = o;
  ctx.progress('CPU profile of a worker', 0);
  const w = ctx.worker(o.worker ?? new URL('./profile.worker.js', import.meta.url));
  // Few samples in the planted functions means the worker got little CPU
  // (a busy machine), or that the profile charges their time elsewhere (a
  // bug). Profile again, twice as long each time, a bounded number of times,
  // and judge the last; other processes' load over all the tries (from
  // /proc/stat, less this process's CPU) decides which it was.
  const busy0 = machineBusyMs();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let profile: CpuProfile | undefined;
  let tries = 0;
  while (tries < PROFILE_TRIES && (!profile || plantedSamples(selfTimes(profile)) < MIN_PLANTED_SAMPLES)) {
    const ms = durationMs * 2 ** tries;
    tries++;
    const reply = ctx.nextMessage<ProfileReply>(w, ms + 15_000, 'the profiling worker');
    w.postMessage({ type: 'profile', durationMs: ms, intervalUs: INTERVAL_US } satisfies ProfileRequest);
    const r = await reply;
    if (r.type === 'error') throw new Error(`profiling worker: ${r.message}`);
    if (r.type === 'unavailable') {
      await w.terminate();
      const why = 'no inspector in this Node';
      ctx.note(`The profiler is unavailable: ${r.message}`);
      ctx.skip(RANK_CHECK, why);
      if (dir) ctx.skip(FILE_CHECK, why);
      return;
    }
    profile = r.profile;
  }
  await w.terminate();
  if (!profile) throw new Error('profiling worker: no profile');
  const busy1 = machineBusyMs();
  const own = process.cpuUsage(cpu0);
  const others = othersCores(busy0 === null || busy1 === null ? null : busy1 - busy0, (own.user + own.system) / 1000, performance.now() - wall0);

  const times = selfTimes(profile);
  const total = times.reduce((s, x) => s + x.ms, 0);
  ctx.table({
    title: `CPU profile of a worker: top functions by self time (${profile.samples.length} samples every ${INTERVAL_US} µs)`,
    columns: [
      { key: 'fn', label: 'function' },
      { key: 'at', label: 'where' },
      { key: 'ms', label: 'self', unit: 'ms' },
      { key: 'share', label: 'share', unit: '%' },
      { key: 'samples', label: 'samples' },
    ],
    rows: times.slice(0, 8).map((x) => ({ fn: x.functionName, at: x.location, ms: x.ms, share: (100 * x.ms) / total, samples: x.samples })),
    note: '(program): V8 outside JavaScript; (garbage collector), (idle): as named. hotLoop, warmLoop, coolLoop do work 6 : 3 : 1.',
  });

  // The check counts samples rather than summing timeDeltas: when the machine
  // is busy the sampler thread runs late, and a late sample's long delta is
  // charged to whatever function it happens to land in.
  const planted = PLANTED.map((p) => ({ ...p, n: times.find((x) => x.functionName === p.name)?.samples ?? 0 }));
  const n = planted.reduce((s, p) => s + p.n, 0);
  const shares = planted.map((p) => (n > 0 ? p.n / n : 0));
  const ranked = planted.every((p, i) => i === 0 || (planted[i - 1] as { n: number }).n > p.n);
  const close = planted.every((p, i) => Math.abs((shares[i] as number) - p.share) <= SHARE_TOLERANCE);
  const triesText = tries > 1 ? `, try ${tries}` : '';
  const cores = ctx.machine.effectiveCores;
  if (n < MIN_PLANTED_SAMPLES && others !== null && others >= cores - BUSY_LEFT) {
    // Others left this worker less than half a core, on every try.
    ctx.skip(RANK_CHECK, `others used ${others.toFixed(1)} of ${cores} cores; ${tries} tries`);
  } else {
    ctx.check(
      RANK_CHECK,
      n >= MIN_PLANTED_SAMPLES && ranked && close,
      `${shares.map((x) => (100 * x).toFixed(0)).join(' : ')}% of ${n} samples${triesText}`,
    );
  }

  if (!dir) {
    ctx.note('pass --cpu-prof DIR to write this profile as a .cpuprofile file for Chrome DevTools');
    return;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `conc-lab6-${stamp}-${process.pid}.cpuprofile`);
  (o.write ?? ((f, p) => writeFileSync(f, JSON.stringify(p))))(file, profile);
  let problems: string[];
  try {
    problems = profileProblems(JSON.parse(readFileSync(file, 'utf8')));
  } catch (e) {
    problems = [`does not parse: ${(e as Error).message}`];
  }
  ctx.note(`CPU profile written to ${file} (open it in Chrome DevTools > Performance > Load profile, or in VS Code)`);
  ctx.check(
    FILE_CHECK,
    problems.length === 0,
    problems.length ? problems.join('; ') : `${profile.nodes.length} nodes, ${profile.samples.length} samples`,
  );
}
