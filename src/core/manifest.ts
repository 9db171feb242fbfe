/**
 * The lab manifest: what `conc list` shows (id, slug, title, host, summary)
 * for every lab, written at build time after the registry has loaded and
 * validated each lab. `conc list` reads it instead of importing every lab and
 * its modules (which costs more than Node's own start-up), but only while it
 * is fresh: every lab.js must still have the size and mtime it had when the
 * manifest was written, and no lab folder may have appeared or gone.
 * Otherwise the registry imports the labs as usual.
 *
 * Run as a script (`node dist/src/core/manifest.js`) it writes the manifest;
 * `npm run build` does that after tsc.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostKind } from './report.js';
import { labsDir, loadRegistry, LAB_FOLDER, type BrokenLab } from './registry.js';

export const MANIFEST_SCHEMA = 'conc.manifest/1';

export interface ManifestLab {
  id: number;
  slug: string;
  title: string;
  summary: string;
  host: HostKind;
  folder: string;
  mtimeMs: number;
  size: number;
}

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  labs: ManifestLab[];
  broken: (Omit<BrokenLab, 'dir'> & { folder: string })[];
}

export function manifestPath(dir = labsDir()): string {
  return path.join(dir, 'manifest.json');
}

function stamp(dir: string, folder: string): { mtimeMs: number; size: number } | null {
  try {
    const st = statSync(path.join(dir, folder, 'lab.js'));
    return { mtimeMs: st.mtimeMs, size: st.size };
  } catch {
    return null;
  }
}

export async function writeManifest(dir = labsDir()): Promise<Manifest> {
  const reg = await loadRegistry(dir);
  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA,
    labs: reg.labs.map((l) => {
      const folder = path.basename(l.dir);
      const st = stamp(dir, folder) ?? { mtimeMs: 0, size: -1 };
      return { id: l.id, slug: l.slug, title: l.lab.title, summary: l.lab.summary, host: l.lab.host, folder, ...st };
    }),
    broken: reg.broken.map((b) => ({ id: b.id, slug: b.slug, problem: b.problem, folder: path.basename(b.dir) })),
  };
  const file = manifestPath(dir);
  writeFileSync(`${file}.tmp`, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
  return manifest;
}

/** The manifest if it still describes every lab folder exactly; null when absent, stale or unreadable. */
export function readFreshManifest(dir = labsDir()): Manifest | null {
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(manifestPath(dir), 'utf8')) as Manifest;
  } catch {
    return null;
  }
  if (m.schema !== MANIFEST_SCHEMA || !Array.isArray(m.labs) || !Array.isArray(m.broken)) return null;
  let folders: string[];
  try {
    folders = readdirSync(dir).filter((f) => LAB_FOLDER.test(f));
  } catch {
    return null;
  }
  // Broken labs are not stamped: any broken lab means the registry must look again.
  if (m.broken.length > 0) return null;
  if (folders.length !== m.labs.length) return null;
  for (const lab of m.labs) {
    const st = stamp(dir, lab.folder);
    if (!st || st.mtimeMs !== lab.mtimeMs || st.size !== lab.size) return null;
  }
  return m;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const m = await writeManifest();
  process.stdout.write(`manifest: ${m.labs.length} labs${m.broken.length ? `, ${m.broken.length} broken` : ''} → ${manifestPath()}\n`);
  for (const b of m.broken) process.stderr.write(`conc: lab ${b.id ?? '?'} (${b.slug}) is broken: ${b.problem}\n`);
}
