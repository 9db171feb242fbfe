/**
 * Reports as JUnit XML (`--format junit`): one <testsuite> per lab, one
 * <testcase> per check (a failed check is a <failure>, a skipped one
 * <skipped> with its reason), and a lab that errored, timed out or was
 * interrupted gets one <error> case, so a CI system annotates exactly what
 * went wrong. Strings are XML-escaped, and control characters (not allowed
 * in XML 1.0) are written visibly.
 */
import type { Report } from '../core/report.js';
import { visible } from './format.js';

function attr(s: string): string {
  return visible(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
/** Element text keeps its line breaks (a stack reads as one); other control characters are escaped. */
const text = (s: string): string =>
  s
    .split('\n')
    .map((l) => visible(l.replace(/\r$/, '')))
    .join('\n')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function suite(r: Report): string {
  const name = `lab ${r.lab.id} ${r.lab.slug}`;
  const cls = `conc.lab${String(r.lab.id).padStart(2, '0')}.${r.lab.slug}`;
  const cases: string[] = [];
  for (const c of r.checks) {
    const open = `    <testcase classname="${attr(cls)}" name="${attr(c.name)}" time="0">`;
    if (c.skipped) cases.push(`${open}\n      <skipped message="${attr(c.reason ?? '')}"/>\n    </testcase>`);
    else if (!c.ok) cases.push(`${open}\n      <failure message="${attr(c.detail ?? 'check failed')}">${text(c.detail ?? '')}</failure>\n    </testcase>`);
    else cases.push(`    <testcase classname="${attr(cls)}" name="${attr(c.name)}" time="0"/>`);
  }
  const broken = r.status === 'error' || r.status === 'timeout' || r.status === 'interrupted';
  if (broken) {
    const e = r.error ?? { name: r.status, message: r.status };
    cases.push(
      `    <testcase classname="${attr(cls)}" name="run" time="${seconds(r.durationMs)}">\n` +
        `      <error type="${attr(e.name)}" message="${attr(e.message)}">${text(e.stack ?? e.message)}</error>\n    </testcase>`,
    );
  }
  const failures = r.checks.filter((c) => !c.ok && !c.skipped).length;
  const skipped = r.checks.filter((c) => c.skipped).length;
  return (
    `  <testsuite name="${attr(name)}" tests="${cases.length}" failures="${failures}" errors="${broken ? 1 : 0}" skipped="${skipped}" ` +
    `time="${seconds(r.durationMs)}" timestamp="${attr(r.startedAt)}">\n${cases.join('\n')}${cases.length ? '\n' : ''}  </testsuite>`
  );
}

/** One or more reports (a lab, or a suite's reports) as a JUnit XML document. */
export function renderJunit(reports: readonly Report[], name = 'conc'): string {
  const tests = (r: Report): number => r.checks.length + (r.status === 'error' || r.status === 'timeout' || r.status === 'interrupted' ? 1 : 0);
  const sum = (f: (r: Report) => number): number => reports.reduce((a, r) => a + f(r), 0);
  const head =
    `<testsuites name="${attr(name)}" tests="${sum(tests)}" failures="${sum((r) => r.checks.filter((c) => !c.ok && !c.skipped).length)}" ` +
    `errors="${sum((r) => (tests(r) > r.checks.length ? 1 : 0))}" skipped="${sum((r) => r.checks.filter((c) => c.skipped).length)}" ` +
    `time="${seconds(sum((r) => r.durationMs))}">`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...reports.map(suite), '</testsuites>', ''].join('\n');
}
