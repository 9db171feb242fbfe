/**
 * A suite (`conc lab all`) as text or Markdown: one row per lab (status,
 * checks, wall time, headline figure), the problems of the labs that did not
 * pass, and the suite's verdict with its total wall time.
 */
import Table from 'cli-table3';
import type { Suite, SuiteLab } from '../core/suite.js';
import { machineLine } from '../measure/machine.js';
import { fmtDuration, fmtNum } from './format.js';
import type { Style } from './style.js';

const MARK: Record<SuiteLab['status'], string> = { ok: '✓', failed: '✗', error: '✗', timeout: '✗', interrupted: '✗', 'not-run': '-' };

function paintStatus(s: SuiteLab['status'], text: string, st: Style): string {
  if (s === 'ok') return st.ok(text);
  if (s === 'interrupted' || s === 'not-run') return st.warn(text);
  return st.bad(text);
}

export function fmtHeadline(h: SuiteLab['headline']): string {
  if (!h) return '–';
  const v = typeof h.value === 'number' ? fmtNum(h.value) : h.value;
  return `${h.label} ${v}${h.unit ? ` ${h.unit}` : ''}`;
}

const labName = (r: SuiteLab): string => `lab ${r.id ?? '?'} · ${r.slug}`;
const statusWord = (r: SuiteLab): string => (r.broken && r.status === 'error' ? 'broken' : r.status);

/** The line printed on stderr when a lab of the suite ends. */
export function labLine(r: SuiteLab, st: Style): string {
  const parts = [`${paintStatus(r.status, MARK[r.status], st)} ${labName(r)}`, paintStatus(r.status, statusWord(r), st)];
  if (r.wallMs !== null) parts.push(fmtDuration(r.wallMs));
  if (r.status === 'ok' || r.status === 'failed') {
    const c = r.checks;
    parts.push(`checks ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`);
    if (r.headline) parts.push(fmtHeadline(r.headline));
  }
  if (r.error) parts.push(st.dim(r.error.message.split('\n')[0] ?? ''));
  return parts.join(' · ');
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

export function renderSuiteText(s: Suite, st: Style): string {
  const t = new Table({
    head: ['lab', 'slug', 'status', 'passed', 'failed', 'skipped', 'wall', 'headline'].map((h) => st.bold(h)),
    colAligns: ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
  });
  for (const r of s.labs) {
    const ran = r.status !== 'not-run' && !r.broken;
    t.push([
      r.id === null ? '?' : String(r.id),
      r.slug,
      paintStatus(r.status, `${MARK[r.status]} ${statusWord(r)}`, st),
      ran ? String(r.checks.passed) : '–',
      ran ? (r.checks.failed ? st.bad(String(r.checks.failed)) : '0') : '–',
      ran ? (r.checks.skipped ? st.warn(String(r.checks.skipped)) : '0') : '–',
      r.wallMs === null ? '–' : fmtDuration(r.wallMs),
      fmtHeadline(r.headline),
    ]);
  }
  const out = [
    st.bold(`conc lab all — ${s.labs.length} lab${s.labs.length === 1 ? '' : 's'}`),
    st.dim(`machine: ${machineLine(s.machine)}`),
    st.dim(settingsLine(s)),
    '',
    t.toString(),
  ];
  const bad = problems(s);
  if (bad.length) {
    out.push('', st.bold('Problems'));
    for (const r of bad) out.push(`  ${paintStatus(r.status, MARK[r.status], st)} ${labName(r)} ${statusWord(r)}: ${problemText(r, s)}`);
  }
  out.push('', paintStatus(s.status, `${MARK[s.status]} ${s.status}`, st) + ` — ${verdict(s)}`);
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
    '| ---: | :--- | ---: | ---: | ---: | ---: | :--- |',
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
