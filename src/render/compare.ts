/**
 * A comparison (src/compare/) as text for a terminal or as Markdown
 * for a CI job summary: the machines side by side, one table per lab with a
 * row per metric and a geomean row, then outputs that differ, unmatched
 * metrics and a legend. JSON is the comparison object itself (the CLI adds
 * the schema tag).
 */
import { variantLabel } from '../compare/match.js';
import type { Comparison, CompareRow, GeomeanRow } from '../compare/model.js';
import { MIN_SAMPLES, type Verdict } from '../measure/compare.js';
import { box } from './box.js';
import { fmtNum, visibleDeep, wrap } from './format.js';
import { proseWidth, type Style } from './style.js';

/** Percent change with its sign: +100%, -3.2%; '–' when unknown. */
export function fmtChange(c: number | null | undefined): string {
  if (c === null || c === undefined || !Number.isFinite(c)) return '–';
  if (c === 0) return '0%';
  const a = Math.abs(c);
  // benchstat-like: +0.15%, +3.21%, +12.3%, +100%.
  const s = a >= 100 ? Math.round(a).toLocaleString('en-US') : a >= 10 ? a.toFixed(1) : a.toFixed(2);
  return `${c > 0 ? '+' : '-'}${s}%`;
}

/** p-value: 0.048, <0.001; '–' when there is none. */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** A median with the half-width of its range as a percentage: "1.23 ±4%". */
function fmtMedian(row: CompareRow, i: number): string {
  const m = row.medians[i];
  if (m === null || m === undefined) return '–';
  const r = row.ranges[i];
  // One sample has no spread to show: "±0%" would claim a precision it does not have.
  if (!r || m === 0 || (row.n[i] ?? 0) < 2) return fmtNum(m);
  const pct = (Math.max(m - r.low, r.high - m) / Math.abs(m)) * 100;
  return `${fmtNum(m)} ±${fmtNum(pct, 2)}%`;
}

function verdictWord(v: Verdict | null | undefined, c: Comparison, n: (number | null)[], i: number): string {
  switch (v) {
    case 'worse':
      return 'worse';
    case 'better':
      return 'better';
    case 'unchanged':
      return '~';
    case 'below-threshold':
      return `~ (<${fmtNum(c.settings.thresholdPct)}%)`;
    case 'too-few':
      return `too few samples (n=${n[0] ?? 0}/${n[i] ?? 0})`;
    default:
      return '–';
  }
}

function paintVerdict(v: Verdict | null | undefined, s: string, st: Style): string {
  if (v === 'worse') return st.bad(s);
  if (v === 'better') return st.ok(s);
  if (v === 'too-few') return st.warn(s);
  if (v === 'unchanged' || v === 'below-threshold') return st.dim(s);
  return s;
}

function metricCell(r: CompareRow): string {
  return r.unit ? `${r.metric} (${r.unit})` : r.metric;
}

function fmtValue(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

interface Grid {
  head: string[];
  rows: string[][];
  /** Per column: right-aligned. */
  right: boolean[];
}

/** The cells of one lab's table, uncoloured or painted by `paint`. */
function labGrid(c: Comparison, rows: CompareRow[], g: GeomeanRow | undefined, paint: (v: Verdict | null | undefined, s: string) => string): Grid {
  const k = c.files.length;
  const later = c.files.slice(1);
  const head = ['metric', 'variant', ...c.files];
  const right = [false, false, ...c.files.map(() => true)];
  for (const f of later) {
    head.push(k === 2 ? 'change' : `Δ ${f}`, 'p', '');
    right.push(true, true, false);
  }
  const out: string[][] = [];
  for (const r of rows) {
    const cells = [metricCell(r), variantLabel(r.variant) || '–', ...c.files.map((_, i) => fmtMedian(r, i))];
    for (let i = 1; i < k; i++) {
      const v = r.verdict[i];
      // With too few samples p cannot fall below alpha: printing it (often 1.000) would read as "no change".
      cells.push(paint(v, fmtChange(r.change[i])), v === 'too-few' ? '–' : fmtP(r.p[i]), paint(v, verdictWord(v, c, r.n, i)));
    }
    out.push(cells);
  }
  if (g) {
    const label = g.oriented ? 'geomean (cost)' : 'geomean';
    const cells = [label, '', ...c.files.map(() => '')];
    for (let i = 1; i < k; i++) cells.push(fmtChange(g.change[i]), '', '');
    out.push(cells);
  }
  return { head, rows: out, right };
}

function sections(c: Comparison): { lab: number; slug: string; rows: CompareRow[]; g: GeomeanRow | undefined }[] {
  const out: { lab: number; slug: string; rows: CompareRow[]; g: GeomeanRow | undefined }[] = [];
  for (const r of c.rows) {
    let s = out.find((x) => x.lab === r.lab && x.slug === r.slug);
    if (!s) {
      s = { lab: r.lab, slug: r.slug, rows: [], g: c.geomeans.find((g) => g.lab === r.lab && g.slug === r.slug) };
      out.push(s);
    }
    s.rows.push(r);
  }
  return out;
}

/** Lines about labs: missing from a file, not ok, run with other options. */
function labNotes(c: Comparison): { text: string; level: 'warn' | 'dim' }[] {
  const notes: { text: string; level: 'warn' | 'dim' }[] = [];
  for (const l of c.labs) {
    const name = `lab ${l.lab} (${l.slug})`;
    const absent = c.files.filter((_, i) => l.status[i] === null);
    if (absent.length) notes.push({ text: `${name} is not in ${absent.join(', ')}`, level: 'warn' });
    if (l.status.some((s) => s !== null && s !== 'ok'))
      notes.push({
        text: `${name} status: ${c.files.map((f, i) => (l.status[i] ? `${f} ${l.status[i]}` : '')).filter(Boolean).join(', ')}`,
        level: 'warn',
      });
    l.optionsDiffer.forEach((d, i) => {
      if (d) notes.push({ text: `${name} ran with other options in ${c.files[i]}: ${d}`, level: 'dim' });
    });
  }
  return notes;
}

function unmatchedLines(c: Comparison, max = 20): string[] {
  const lines = c.unmatched.slice(0, max).map((u) => {
    const v = variantLabel(u.variant);
    return `lab ${u.lab} (${u.slug}) ${u.metric}${u.unit ? ` (${u.unit})` : ''}${v ? ` ${v}` : ''}: only in ${u.in.join(', ')}, not in ${u.missing.join(', ')}`;
  });
  if (c.unmatched.length > max) lines.push(`… and ${c.unmatched.length - max} more (see --json)`);
  return lines;
}

function outputLines(c: Comparison): { text: string; problem: boolean }[] {
  return c.outputs.map((o) => {
    const b = o.missingIn === 'base' ? '(missing)' : fmtValue(o.base);
    const v = o.missingIn === 'file' ? '(missing)' : fmtValue(o.value);
    const head = `lab ${o.lab} (${o.slug}) output "${o.key}": ${c.files[0]} ${b}, ${o.file} ${v}`;
    return o.comparable
      ? { text: `${head} — differs with the same options and seed: a correctness problem, not a performance change`, problem: true }
      : { text: `${head} — ${o.reason ?? 'options differ'}, which may explain it`, problem: false };
  });
}

function summaryLine(c: Comparison): string {
  const s = c.summary;
  const parts = [`${s.rows} metric${s.rows === 1 ? '' : 's'} compared`, `${s.worse} worse`, `${s.better} better`, `${s.unchanged} ~`];
  if (s.belowThreshold) parts.push(`${s.belowThreshold} below the threshold`);
  if (s.tooFew) parts.push(`${s.tooFew} with too few samples`);
  if (s.unmatched) parts.push(`${s.unmatched} unmatched`);
  if (s.correctness) parts.push(`${s.correctness} output difference${s.correctness === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function legend(c: Comparison): string {
  const t = c.settings.thresholdPct ? `; changes under ${fmtNum(c.settings.thresholdPct)}% are ignored` : '';
  return (
    `Medians with the half-width of their 95% CI; change of the median against ${c.files[0]}. ` +
    `p: two-sided Mann-Whitney U test on the raw samples; ~: no significant difference (p > ${c.settings.alpha})${t}. ` +
    `At least ${MIN_SAMPLES} samples a side are needed to call a difference` +
    (c.summary.tooFew ? ': record more with --repeat (10 or more is better; some metrics are one figure per run whatever --repeat says).' : '.')
  );
}

/** A bulleted line wrapped to the prose width, continuation lines under its text. */
function item(mark: string, text: string, paint: (s: string) => string, st: Style): string[] {
  return wrap(text, Math.max(20, proseWidth(st) - 4)).map((l, i) => paint(i === 0 ? `  ${mark} ${l}` : `    ${l}`));
}

export function renderCompareText(cmp: Comparison, st: Style): string {
  // Every string in a comparison came from report files made anywhere: print none raw.
  const c = visibleDeep(cmp);
  const parts: string[] = [];
  parts.push(
    wrap(`conc compare — ${c.files.join(' vs ')} · alpha ${c.settings.alpha} · threshold ${fmtNum(c.settings.thresholdPct)}%`, proseWidth(st))
      .map((l) => st.bold(l))
      .join('\n'),
  );

  const mt = box(
    {
      head: ['', ...c.files].map((h) => st.bold(h)),
      rows: c.machines.map((f) => [f.differs ? st.warn(`${f.label} ≠`) : f.label, ...f.values.map((v) => (f.differs ? st.warn(v) : v))]),
      compact: true,
    },
    st,
  );
  const differing = c.machines.filter((f) => f.differs).map((f) => f.label);
  parts.push(
    [
      st.bold('Machines'),
      mt,
      ...wrap(differing.length ? `≠ differs: ${differing.join(', ')}` : 'the same machine as far as conc can tell', proseWidth(st)).map((l) => st.dim(l)),
    ].join('\n'),
  );

  const secs = sections(c);
  if (!secs.length) parts.push(st.warn('No metric is in more than one file: nothing to compare.'));
  for (const s of secs) {
    const grid = labGrid(c, s.rows, s.g, (v, x) => paintVerdict(v, x, st));
    const t = box({ head: grid.head.map((h) => st.bold(h)), rows: grid.rows, align: grid.right.map((r) => (r ? 'right' : 'left')), compact: true }, st);
    parts.push([st.bold(`lab ${s.lab} · ${s.slug}`), t].join('\n'));
  }

  const outs = outputLines(c);
  if (outs.length)
    parts.push([st.bold('Outputs'), ...outs.flatMap((o) => (o.problem ? item('✗', o.text, st.bad, st) : item('-', o.text, st.warn, st)))].join('\n'));
  const notes = labNotes(c);
  if (notes.length)
    parts.push([st.bold('Labs'), ...notes.flatMap((n) => (n.level === 'warn' ? item('!', n.text, st.warn, st) : item('·', n.text, st.dim, st)))].join('\n'));
  const un = unmatchedLines(c);
  if (un.length) parts.push([st.bold('Unmatched (not compared)'), ...un.flatMap((l) => item(' ', l, (x) => x, st))].join('\n'));
  if (c.warnings.length) parts.push([st.bold('Warnings'), ...c.warnings.flatMap((w) => item('!', w, st.warn, st))].join('\n'));

  parts.push(wrap(legend(c), proseWidth(st)).map((l) => st.dim(l)).join('\n'));
  const s = c.summary;
  const verdict = s.worse || s.correctness ? st.bad(summaryLine(c)) : summaryLine(c);
  parts.push(wrap(verdict, proseWidth(st)).join('\n'));
  return parts.join('\n\n') + '\n';
}

/** A cell or line of Markdown: pipes escaped, and no HTML from a report file reaches the page. */
const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');

function mdTable(head: string[], rows: string[][], right: boolean[]): string {
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${right.map((r) => (r ? ' ---: ' : ' :--- ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function renderCompareMarkdown(cmp: Comparison): string {
  const c = visibleDeep(cmp);
  const out: string[] = [`## conc compare: ${esc(c.files.join(' vs '))}`, '', esc(summaryLine(c))];
  const mdVerdict = (v: Verdict | null | undefined, s: string): string => (v === 'worse' ? `**${s}** 🔴` : v === 'better' ? `**${s}** 🟢` : s);

  out.push('', '### Machines', '');
  out.push(
    mdTable(
      ['', ...c.files],
      c.machines.map((f) => [f.differs ? `**${f.label} ≠**` : f.label, ...f.values.map((v) => (f.differs ? `**${v}**` : v))]),
      [false, ...c.files.map(() => false)],
    ),
  );
  const secs = sections(c);
  if (!secs.length) out.push('', 'No metric is in more than one file: nothing to compare.');
  for (const s of secs) {
    const grid = labGrid(c, s.rows, s.g, mdVerdict);
    out.push('', `### lab ${s.lab} · ${esc(s.slug)}`, '', mdTable(grid.head, grid.rows, grid.right));
  }
  const outs = outputLines(c);
  if (outs.length) out.push('', '### Outputs', '', ...outs.map((o) => `- ${o.problem ? '❌' : '⚠️'} ${esc(o.text)}`));
  const notes = labNotes(c);
  if (notes.length) out.push('', '### Labs', '', ...notes.map((n) => `- ${esc(n.text)}`));
  const un = unmatchedLines(c);
  if (un.length) out.push('', '### Unmatched (not compared)', '', ...un.map((l) => `- ${esc(l)}`));
  if (c.warnings.length) out.push('', '### Warnings', '', ...c.warnings.map((w) => `- ${esc(w)}`));
  out.push('', `_${esc(legend(c))}_`);
  return out.join('\n') + '\n';
}
