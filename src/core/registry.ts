/**
 * The registry: finds labs by scanning dist/labs/NN-slug/lab.js, validates
 * each one, and resolves a lab by id or slug. A broken lab is reported by
 * name and the others still load.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrokenLabError, UsageError } from './errors.js';
import type { AnyLab } from './lab.js';
import { validateTable } from './options.js';

export interface LoadedLab {
  id: number;
  slug: string;
  dir: string;
  url: string;
  lab: AnyLab;
}

export interface BrokenLab {
  id: number | null;
  slug: string;
  dir: string;
  problem: string;
}

export interface Registry {
  labs: LoadedLab[];
  broken: BrokenLab[];
}

/** dist/labs beside dist/src; CONC_LABS_DIR overrides it (tests use a fixture tree). */
export function labsDir(): string {
  return process.env.CONC_LABS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../labs');
}

export const LAB_FOLDER = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

export function validateLab(lab: unknown, folderId: number, folderSlug: string): string[] {
  const p: string[] = [];
  if (!lab || typeof lab !== 'object') return ['lab.js must default-export a lab made by defineLab'];
  const l = lab as Partial<AnyLab>;
  if (l.id !== folderId) p.push(`id ${String(l.id)} does not match its folder number ${folderId}`);
  if (l.slug !== folderSlug) p.push(`slug "${String(l.slug)}" does not match its folder "${folderSlug}"`);
  for (const k of ['title', 'summary', 'chapter'] as const) if (typeof l[k] !== 'string' || !l[k]) p.push(`missing ${k}`);
  if (l.host !== 'worker' && l.host !== 'process') p.push(`host must be "worker" or "process"`);
  if (l.hosts && !l.hosts.every((h) => h === 'worker' || h === 'process')) p.push('hosts must be "worker" or "process"');
  if (typeof l.run !== 'function') p.push('run must be a function');
  if (!l.options || typeof l.options !== 'object') p.push('options must be an option table');
  else p.push(...validateTable(l.options));
  if (l.quick && l.options) for (const k of Object.keys(l.quick)) if (!(k in l.options)) p.push(`quick sets unknown option "${k}"`);
  return p;
}

export async function loadRegistry(dir = labsDir()): Promise<Registry> {
  const reg: Registry = { labs: [], broken: [] };
  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return reg;
  }
  const seen = new Map<number, string>();
  const candidates = names
    .map((name) => ({ name, m: LAB_FOLDER.exec(name) }))
    .filter((c): c is { name: string; m: RegExpExecArray } => c.m !== null);
  // Import in parallel: each lab.js is small and imports nothing heavy.
  const loaded = await Promise.all(
    candidates.map(async ({ name, m }) => {
      const file = path.join(dir, name, 'lab.js');
      const id = Number(m[1]);
      const slug = m[2] as string;
      if (!existsSync(file)) return { id, slug, dir: path.join(dir, name), url: '', problem: 'no lab.js (not built?)' };
      const url = pathToFileURL(file).href;
      try {
        const mod = (await import(url)) as { default?: unknown };
        const problems = validateLab(mod.default, id, slug);
        if (problems.length) return { id, slug, dir: path.join(dir, name), url, problem: problems.join('; ') };
        return { id, slug, dir: path.join(dir, name), url, lab: mod.default as AnyLab };
      } catch (e) {
        return { id, slug, dir: path.join(dir, name), url, problem: `failed to load: ${(e as Error).message.split('\n')[0]}` };
      }
    }),
  );
  for (const l of loaded) {
    if ('lab' in l && l.lab) {
      if (seen.has(l.id)) {
        reg.broken.push({ id: l.id, slug: l.slug, dir: l.dir, problem: `id ${l.id} is also used by ${seen.get(l.id)}` });
        continue;
      }
      seen.set(l.id, l.slug);
      reg.labs.push({ id: l.id, slug: l.slug, dir: l.dir, url: l.url, lab: l.lab });
    } else {
      reg.broken.push({ id: l.id, slug: l.slug, dir: l.dir, problem: (l as { problem: string }).problem });
    }
  }
  reg.labs.sort((a, b) => a.id - b.id);
  return reg;
}

/** By id ("1", "01") or slug; a broken lab is an error of its own, an unknown one a usage error. */
/** The book's twelve chapters, one lab each: a chapter without its lab yet is "not written", not "unknown". */
export const BOOK_CHAPTERS = [
  'Speed It Up!',
  'Parallelize It',
  'Life of a Thread',
  'Synchronization between Threads',
  'Communication between Threads',
  'Debug and Benchmark',
  'Executors and Pools',
  'Multiprocessing',
  'Event-Driven Programming',
  'Reactive Programming',
  'Using the GPU',
  'Choosing a Solution',
] as const;

export function resolveLab(reg: Registry, ref: string): LoadedLab {
  const byId = /^\d+$/.test(ref) ? Number(ref) : null;
  const hit = reg.labs.find((l) => (byId !== null ? l.id === byId : l.slug === ref));
  if (hit) return hit;
  const broken = reg.broken.find((b) => (byId !== null ? b.id === byId : b.slug === ref));
  if (broken) throw new BrokenLabError(`lab ${broken.id ?? '?'} (${broken.slug}) is broken: ${broken.problem}`);
  const known = reg.labs.map((l) => `${l.id} ${l.slug}`).join(', ');
  const chapter = byId !== null ? BOOK_CHAPTERS[byId - 1] : undefined;
  if (chapter) throw new UsageError(`lab ${byId} (${chapter}) is not written yet; labs: ${known || 'none found'} (see conc list)`);
  throw new UsageError(`unknown lab "${ref}"; labs: ${known || 'none found'} (see conc list)`);
}
