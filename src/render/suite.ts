/**
 * A suite (`conc lab all`) as text or Markdown: one row per lab (status,
 * checks, wall time, headline figure), the problems of the labs that did not
 * pass, and the suite's verdict with its total wall time. The text fits the
 * style's width (a terminal's): the checks share a column and the headlines
 * wrap, or move below the table, before the wall times would go.
 */
import type { Suite, SuiteLab } from '../core/suite.js';
import { machineLine } from '../measure/machine.js';
import { box } from './box.js';
import { breakWord, displayWidth, fmtDuration, fmtNum, fmtQuantity, wrap } from './format.js';
import { proseWidth, type Style } from './style.js';

const MARK: Record<SuiteLab['status'], string> = { ok: '✓', failed: '✗', error: '✗', timeout: '✗', interrupted: '✗', 'not-run': '-' };

function paintStatus(s: SuiteLab['status'], text: string, st: Style): string {
  if (s === 'ok') return st.ok(text);
  if (s === 'interrupted' || s === 'not-run') return st.warn(text);
  return st.bad(text);
}

export function fmtHeadline(h: SuiteLab['headline']): string {
  if (!h) return '–';
  if (typeof h.value === 'number') return `${h.label} ${fmtQuantity(h.value, h.unit)}`;
  return `${h.label} ${h.value}${h.unit ? ` ${h.unit}` : ''}`;
}

const labName = (r: SuiteLab): string => `lab ${r.id ?? '?'} · ${r.slug}`;
const statusWord = (r: SuiteLab): string => (r.broken && r.status === 'error' ? 'broken' : r.status);

/** Cut text to n columns, ending with … when cut. */
const cut = (x: string, n: number): string => (displayWidth(x) <= n ? x : `${breakWord(x, Math.max(1, n - 1))[0] ?? ''}…`);

/**
 * The line printed on stderr when a lab of the suite ends. It fits the
 * style's width: the headline, then the error message, are cut to fit (the
 * summary has them whole).
 */
export function labLine(r: SuiteLab, st: Style): string {
  const parts = [`${paintStatus(r.status, MARK[r.status], st)} ${labName(r)}`, paintStatus(r.status, statusWord(r), st)];
  if (r.wallMs !== null) parts.push(fmtDuration(r.wallMs));
  const ran = r.status === 'ok' || r.status === 'failed';
  const c = r.checks;
  let head = parts.join(' · ');
  if (ran) {
    const long = `${head} · checks ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`;
    head = displayWidth(long) <= st.width ? long : `${head} · checks ${c.passed}/${c.failed}/${c.skipped}`;
  }
  const tail = r.error ? (r.error.message.split('\n')[0] ?? '') : r.headline && ran ? fmtHeadline(r.headline) : '';
  if (!tail) return head;
  const room = st.width - displayWidth(head) - 3;
  if (room >= displayWidth(tail)) return `${head} · ${r.error ? st.dim(tail) : tail}`;
  if (room < 16) return head;
  return `${head} · ${r.error ? st.dim(cut(tail, room)) : cut(tail, room)}`;
}

function verdict(s: Suite): string {
  const n = s.labs.length;
  const parts = (['ok', 'failed', 'error', 'timeout', 'interrupted', 'not-run'] as const)
    .filter((k) => s.counts[k] > 0)
    .map((k) => `${s.counts[k]} ${k}`);
  return `${parts.join(', ')} of ${n} lab${n === 1 ? '' : 's'} — total wall time ${fmtDuration(s.durationMs)}`;
}

function settingsLine(s: Suite): string {
  const o = s.settings;
  const bits = [o.quick ? '--quick' : 'full runs', `seed ${o.seed}`];
  if (o.repeat !== null) bits.push(`repeat ${o.repeat}`);
  if (o.warmup !== null) bits.push(`warmup ${o.warmup}`);
  if (o.timeoutS !== null) bits.push(`timeout ${o.timeoutS} s per lab`);
  if (o.host !== null) bits.push(`host ${o.host}`);
  return bits.join(' · ');
}

function problems(s: Suite): SuiteLab[] {
  return s.labs.filter((r) => r.status !== 'ok');
}

/** Why a lab is not ok, in one line: its error, or the checks that failed (from its report). */
function problemText(r: SuiteLab, s: Suite): string {
  if (r.status === 'not-run') return 'not run: the suite was interrupted first';
  if (r.error) return r.error.message.replace(/\s+/g, ' ');
  if (r.status === 'failed') {
    const report = s.reports.find((x) => x.lab.id === r.id && x.lab.slug === r.slug);
    const failed = (report?.checks ?? []).filter((c) => !c.ok && !c.skipped);
    if (failed.length)
      return failed.map((c) => `check "${c.name}" failed${c.detail ? ` (${c.detail.replace(/\s+/g, ' ')})` : ''}`).join('; ');
    return `${r.checks.failed} check${r.checks.failed === 1 ? '' : 's'} failed`;
  }
  return r.status;
}

/**
 * `lead` then `text`, wrapped to the width with the later lines indented as
 * far as the text starts (or by four spaces when the lead leaves no room).
 */
function hang(lead: string, text: string, width: number): string[] {
  if (!Number.isFinite(width) || displayWidth(lead + text) <= width) return [lead + text];
  const indent = width - lead.length >= 24 ? lead.length : 4;
  const lines = wrap(text, width - indent);
  if (indent < lead.length) return [lead.trimEnd(), ...lines.map((l) => ' '.repeat(indent) + l)];
  return lines.map((l, i) => (i === 0 ? lead : ' '.repeat(indent)) + l);
}

/** A line of " · "-separated parts, broken between parts to fit the width. */
function dotted(text: string, width: number): string[] {
  if (!Number.isFinite(width) || displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let cur = '';
  for (const p of text.split(' · ')) {
    const next = cur ? `${cur} · ${p}` : p;
    if (cur && displayWidth(next) > width - 1) {
      lines.push(cur);
      cur = `  ${p}`;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines;
}

type Layout = 'full' | 'merged' | 'below';

function suiteTable(s: Suite, st: Style, layout: Layout, headlineWidth = 0): string {
  const full = layout === 'full';
  const head = full
    ? ['lab', 'slug', 'status', 'passed', 'failed', 'skipped', 'wall', 'headline']
    : ['lab', 'slug', 'status', 'checks', 'wall', ...(layout === 'merged' ? ['headline'] : [])];
  const rows = s.labs.map((r) => {
    const ran = r.status !== 'not-run' && !r.broken;
    const c = r.checks;
    const failed = c.failed ? st.bad(String(c.failed)) : '0';
    const skipped = c.skipped ? st.warn(String(c.skipped)) : '0';
    const checks = full ? [ran ? String(c.passed) : '–', ran ? failed : '–', ran ? skipped : '–'] : [ran ? `${c.passed}/${failed}/${skipped}` : '–'];
    const headline = layout === 'full' ? [fmtHeadline(r.headline)] : layout === 'merged' ? [wrap(fmtHeadline(r.headline), headlineWidth).join('\n')] : [];
    return [
      r.id === null ? '?' : String(r.id),
      r.slug,
      paintStatus(r.status, `${MARK[r.status]} ${statusWord(r)}`, st),
      ...checks,
      r.wallMs === null ? '–' : fmtDuration(r.wallMs),
      ...headline,
    ];
  });
  const align = (full ? ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'left'] : ['right', 'left', 'left', 'right', 'right', 'left']) as ('left' | 'right')[];
  return box({ head: head.map((h) => st.bold(h)), rows, align: align.slice(0, head.length), compact: true }, st);
}

/**
 * The table of labs at the style's width: whole when it fits; else the three
 * check counts share a column (passed/failed/skipped) and the headlines wrap
 * in theirs; else the headlines go below the table. The wall times stay.
 */
function labsTable(s: Suite, st: Style): string[] {
  // Natural widths: box() draws each layout whole when it fits, and narrows it (wrapping cells) only when not.
  const wide = { ...st, width: Infinity };
  const fits = (t: string): boolean => displayWidth(t.split('\n')[0] ?? '') <= st.width;
  if (fits(suiteTable(s, wide, 'full'))) return [suiteTable(s, st, 'full')];
  const legend = st.dim('checks: passed/failed/skipped');
  const room = st.width - displayWidth(suiteTable(s, wide, 'below').split('\n')[0] ?? '') - 3; // a border and the padding
  const longest = Math.max(...s.labs.map((r) => displayWidth(fmtHeadline(r.headline))));
  if (room >= Math.min(24, longest)) {
    const merged = suiteTable(s, wide, 'merged', Math.min(room, longest));
    if (fits(merged)) return [merged, legend];
  }
  const bare = suiteTable(s, st, 'below');
  const named = s.labs.filter((r) => r.headline);
  if (!named.length) return [bare, legend];
  const idw = Math.max(...named.map((r) => String(r.id ?? '?').length));
  const name = (r: SuiteLab): string => `${String(r.id ?? '?').padStart(idw)} ${r.slug}`;
  const w = Math.max(...named.map((r) => name(r).length));
  const lines = named.flatMap((r) => hang(`  ${name(r).padEnd(w)}  `, fmtHeadline(r.headline), proseWidth(st)));
  return [bare, legend, '', st.bold('Headlines'), ...lines];
}

export function renderSuiteText(s: Suite, st: Style): string {
  const out = [
    st.bold(`conc lab all — ${s.labs.length} lab${s.labs.length === 1 ? '' : 's'}`),
    ...dotted(`machine: ${machineLine(s.machine)}`, proseWidth(st)).map((l) => st.dim(l)),
    ...dotted(settingsLine(s), proseWidth(st)).map((l) => st.dim(l)),
    '',
    ...labsTable(s, st),
  ];
  const bad = problems(s);
  if (bad.length) {
    out.push('', st.bold('Problems'));
    for (const r of bad) {
      const [first = '', ...rest] = hang(`  ${MARK[r.status]} `, `${labName(r)} ${statusWord(r)}: ${problemText(r, s)}`, proseWidth(st));
      out.push(`  ${paintStatus(r.status, MARK[r.status], st)}${first.slice(3)}`, ...rest);
    }
  }
  const mark = `${MARK[s.status]} ${s.status}`;
  const [first = '', ...rest] = hang(`${mark} — `, verdict(s), proseWidth(st));
  out.push('', paintStatus(s.status, mark, st) + first.slice(mark.length), ...rest);
  return out.join('\n') + '\n';
}

const esc = (x: string): string => x.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const MD_MARK: Record<SuiteLab['status'], string> = { ok: '✅', failed: '❌', error: '❌', timeout: '⏱️', interrupted: '⚠️', 'not-run': '➖' };

/** Markdown for a CI job summary ($GITHUB_STEP_SUMMARY). */
export function renderSuiteMarkdown(s: Suite): string {
  const out = [
    `## conc lab all: ${MD_MARK[s.status]} ${s.status}`,
    '',
    `${verdict(s)}  `,
    `Machine: ${esc(machineLine(s.machine))}  `,
    `${esc(settingsLine(s))}`,
    '',
    '| lab | status | checks passed | failed | skipped | wall | headline |',
    '| :--- | :--- | ---: | ---: | ---: | ---: | :--- |', // text left, numbers right, as in the text form
  ];
  for (const r of s.labs) {
    const ran = r.status !== 'not-run' && !r.broken;
    const c = r.checks;
    out.push(
      `| ${r.id ?? '?'} ${esc(r.slug)} | ${MD_MARK[r.status]} ${statusWord(r)} | ${ran ? c.passed : '–'} | ${ran ? c.failed : '–'} | ${ran ? c.skipped : '–'} | ${r.wallMs === null ? '–' : fmtDuration(r.wallMs)} | ${esc(fmtHeadline(r.headline))} |`,
    );
  }
  const bad = problems(s);
  if (bad.length) {
    out.push('', '**Problems**', '');
    for (const r of bad) out.push(`- ${MD_MARK[r.status]} ${esc(labName(r))} ${statusWord(r)}: ${esc(problemText(r, s))}`);
  }
  return out.join('\n') + '\n';
}
