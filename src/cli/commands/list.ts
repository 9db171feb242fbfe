/** `conc list [--json]`: the labs, and any that are broken, by name. */
import { loadRegistry } from '../../core/registry.js';

export async function listCommand(opts: { json?: boolean; color?: boolean }): Promise<number> {
  const reg = await loadRegistry();
  const rows = reg.labs.map(({ lab }) => ({ id: lab.id, slug: lab.slug, title: lab.title, host: lab.host, summary: lab.summary }));
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ schema: 'conc.list/1', labs: rows, broken: reg.broken.map((b) => ({ id: b.id, slug: b.slug, problem: b.problem })) }, null, 2) + '\n',
    );
  } else {
    const { colorWanted, makeStyle } = await import('../../render/style.js');
    const { renderTable } = await import('../../render/text.js');
    const st = makeStyle(colorWanted({ noColor: opts.color === false }), process.stdout.columns || 100);
    process.stdout.write(
      renderTable(
        {
          title: `${rows.length} labs`,
          columns: [
            { key: 'id', label: 'id', align: 'right' },
            { key: 'slug', label: 'slug', align: 'left' },
            { key: 'title', label: 'title', align: 'left' },
            { key: 'host', label: 'host', align: 'left' },
            { key: 'summary', label: 'summary', align: 'left' },
          ],
          rows,
        },
        st,
      ) + '\n',
    );
  }
  for (const b of reg.broken) process.stderr.write(`conc: lab ${b.id ?? '?'} (${b.slug}) is broken: ${b.problem}\n`);
  return reg.broken.length > 0 && reg.labs.length === 0 ? 1 : 0;
}
