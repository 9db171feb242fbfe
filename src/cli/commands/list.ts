/** `conc list [--json]`: the labs, and any that are broken, by name. */
import { EXIT } from '../../core/errors.js';
import { readFreshManifest } from '../../core/manifest.js';
import { loadRegistry } from '../../core/registry.js';
import { plainTable } from '../../render/plain-table.js';

interface Row {
  id: number;
  slug: string;
  title: string;
  host: string;
  summary: string;
}

/** From the build's manifest while it is fresh, else by importing every lab. */
async function labRows(): Promise<{ rows: Row[]; broken: { id: number | null; slug: string; problem: string }[] }> {
  const m = readFreshManifest();
  if (m) return { rows: m.labs.map(({ id, slug, title, host, summary }) => ({ id, slug, title, host, summary })), broken: [] };
  const reg = await loadRegistry();
  return {
    rows: reg.labs.map(({ lab }) => ({ id: lab.id, slug: lab.slug, title: lab.title, host: lab.host, summary: lab.summary })),
    broken: reg.broken.map((b) => ({ id: b.id, slug: b.slug, problem: b.problem })),
  };
}

export async function listCommand(opts: { json?: boolean; color?: boolean }): Promise<number> {
  const { rows, broken } = await labRows();
  if (opts.json) {
    process.stdout.write(JSON.stringify({ schema: 'conc.list/1', labs: rows, broken }, null, 2) + '\n');
  } else {
    const headers = ['id', 'slug', 'title', 'host', 'summary'];
    const body = rows.map((r) => [String(r.id), r.slug, r.title, r.host, r.summary]);
    process.stdout.write(`${rows.length} labs\n${plainTable(headers, body, [true])}\n`);
  }
  for (const b of broken) process.stderr.write(`conc: lab ${b.id ?? '?'} (${b.slug}) is broken: ${b.problem}\n`);
  return broken.length > 0 && rows.length === 0 ? EXIT.failed : EXIT.ok;
}
