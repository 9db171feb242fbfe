/** `conc list [--json]`: the labs, and any that are broken, by name. */
import { EXIT } from '../../core/errors.js';
import { readFreshManifest } from '../../core/manifest.js';
import { loadRegistry } from '../../core/registry.js';
import { outputWidth } from '../../render/fit.js';
import { wrap } from '../../render/format.js';
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
    const width = outputWidth();
    // The full table when it fits as it is; in a narrower terminal the title goes first (the
    // summary says more) and the summary wraps.
    const table =
      plainTable(['id', 'slug', 'title', 'host', 'summary'], rows.map((r) => [String(r.id), r.slug, r.title, r.host, r.summary]), [true], width, false) ??
      plainTable(['id', 'slug', 'host', 'summary'], rows.map((r) => [String(r.id), r.slug, r.host, r.summary]), [true], width) ??
      rows.flatMap((r) => wrap(`${r.id} ${r.slug} (${r.host}): ${r.summary}`, width - 2).map((l, i) => (i ? `  ${l}` : l))).join('\n');
    process.stdout.write(`${rows.length} labs\n${table}\n`);
  }
  for (const b of broken) process.stderr.write(`conc: lab ${b.id ?? '?'} (${b.slug}) is broken: ${b.problem}\n`);
  return broken.length > 0 && rows.length === 0 ? EXIT.failed : EXIT.ok;
}
