/**
 * `conc lab <id|slug> [options]`: resolve the lab, turn argv into typed
 * options from its option table and the common flags, run it in its host
 * (hosts/run-lab.ts), render the report. Nothing here measures.
 */
import { EXIT, exitCodesLine } from '../../core/errors.js';
import { DEFAULT_TIMEOUT_S, resolveLabOptions, type LabInvocation } from '../../core/invocation.js';
import type { AnyLab } from '../../core/lab.js';
import type { OptionTable } from '../../core/options.js';
import { loadRegistry, resolveLab, type LoadedLab } from '../../core/registry.js';
import { exitCodeOf, type Report } from '../../core/report.js';
import { runInvocation } from '../../hosts/run-lab.js';
import { colorWanted, makeStyle, outputWidth } from '../../render/style.js';
import { COMMON_FLAGS, parseCommon, type CommonOptions } from '../common.js';
import { acceptedBy, formatRows, helpColumn, helpRows, helpWidthOf, prose, registerFlags } from '../flags.js';
import { checkOutPath, writeAtomic } from '../io.js';
import { newCommand, parseWith } from '../parse.js';
import { installSignals } from '../signals.js';
import { startSpinner } from '../spinner.js';

export function labHelp(lab: AnyLab, width: number | undefined): string {
  const rows = helpRows(lab.options, { quick: lab.quick as Record<string, unknown> | undefined, negatable: true });
  const common: [string, string][] = [...helpRows(COMMON_FLAGS), ['-h, --help', "this lab's options"]];
  const col = helpColumn([...rows, ...common], width); // one column for both lists
  const hosts = (lab.hosts ?? [lab.host]).join(', ');
  const repeat = lab.repeat ? `; --repeat defaults to ${lab.repeat.default} (${lab.repeat.quick} with --quick)` : '';
  return [
    `Usage: conc lab ${lab.id} [options]        (or: conc lab ${lab.slug})`,
    '',
    `${lab.title}`,
    ...prose(lab.summary, width),
    '',
    'Lab options:',
    ...(rows.length ? formatRows(rows, width, col) : ['  (none)']),
    '',
    'Common options:',
    ...formatRows(common, width, col),
    '',
    ...prose(`Host: ${lab.host} (supports: ${hosts}); timeout ${lab.timeout ?? DEFAULT_TIMEOUT_S} s${repeat}.`, width),
    '',
  ].join('\n');
}

/** `conc lab --help`: the command itself, the labs it can run, the common options. */
export async function labCommandHelp(width: number | undefined): Promise<string> {
  const { readFreshManifest } = await import('../../core/manifest.js');
  const labs = readFreshManifest()?.labs ?? (await loadRegistry()).labs.map(({ lab }) => lab);
  const labRows: [string, string][] = [...labs.map((l): [string, string] => [`${String(l.id).padEnd(3)}${l.slug}`, l.title]), ['all', 'every lab in turn, with a summary (conc lab all --help)']];
  const common: [string, string][] = [...helpRows(COMMON_FLAGS), ['-h, --help', 'this help; after a lab, that lab\'s options']];
  return [
    'Usage: conc lab <id|slug|all> [options]',
    '',
    ...prose(
      "Run one lab of the book on this machine: it measures, prints its tables and checks, and exits 0 when every check passes. A lab's own options: conc lab <id> --help.",
      width,
    ),
    '',
    'Labs:',
    ...formatRows(labRows, width),
    '',
    'Common options (every lab):',
    ...formatRows(common, width),
    '',
    ...prose(
      exitCodesLine({ ok: 'all checks passed', failed: 'a check failed or the lab errored', usage: 'usage error', timeout: 'timed out (--timeout)', interrupted: 'interrupted' }),
      width,
    ),
    '',
  ].join('\n');
}

export interface CliInvocation extends LabInvocation {
  common: CommonOptions;
}

/** Parse `conc lab <ref> ...args` for one lab; throws UsageError on bad input. */
export function parseLabArgs(entry: LoadedLab, args: string[]): CliInvocation {
  const { lab } = entry;
  const cmd = registerFlags(registerFlags(newCommand(`conc lab ${lab.id}`), COMMON_FLAGS), lab.options, { negatable: true });
  const raw = parseWith(cmd, args, `for lab ${lab.id} (${lab.slug})`, (flag) => acceptedBy({ ...COMMON_FLAGS, ...lab.options }, flag));
  const common = parseCommon(raw, lab);
  const options = resolveLabOptions(lab, raw, common.quick);
  return { entry, options, common };
}

export async function labCommand(ref: string, args: string[]): Promise<number> {
  const reg = await loadRegistry();
  const entry = resolveLab(reg, ref);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(labHelp(entry.lab, helpWidthOf(outputWidth())));
    return EXIT.ok;
  }
  const inv = parseLabArgs(entry, args);
  const { common } = inv;
  const outPath = common.out ? checkOutPath(common.out) : undefined;
  const color = colorWanted({ noColor: !common.color, json: common.format === 'json' });
  const style = makeStyle(color, outputWidth());
  const signals = installSignals();
  // A spinner on a terminal that takes colour; a plain line per phase otherwise (CI logs, --no-color, --json).
  const spin = Boolean(process.stderr.isTTY) && colorWanted({ noColor: !common.color, json: common.format === 'json', stream: 'stderr' });
  const spinner = await startSpinner(spin, `lab ${entry.id} · ${entry.slug}`, { plain: true });
  let report: Report;
  try {
    report = await runInvocation(inv, { signal: signals.signal, onProgress: (t, f) => spinner.update(t, f) });
  } finally {
    spinner.stop();
    signals.dispose();
  }
  const json = JSON.stringify(report, null, 2) + '\n';
  if (common.format === 'json') process.stdout.write(json);
  else if (common.format === 'md') {
    const { renderMarkdown } = await import('../../render/markdown.js');
    process.stdout.write(renderMarkdown(report, entry.lab.options as OptionTable));
  } else if (common.format === 'junit') {
    const { renderJunit } = await import('../../render/junit.js');
    process.stdout.write(renderJunit([report], `conc lab ${entry.id}`));
  } else if (common.format === 'csv') {
    const { renderCsv } = await import('../../render/csv.js');
    process.stdout.write(renderCsv([report]));
  } else {
    const { renderText } = await import('../../render/text.js');
    process.stdout.write(renderText(report, style, { chapter: entry.lab.chapter, verbose: common.verbose, specs: entry.lab.options as OptionTable }));
  }
  if (outPath) writeAtomic(outPath, json);
  if (report.status !== 'ok' && report.status !== 'failed' && common.format !== 'text') {
    process.stderr.write(`conc: lab ${entry.id} (${entry.slug}) ${report.status}: ${report.error?.message ?? ''}\n`);
    if (common.verbose && report.error?.stack) process.stderr.write(report.error.stack + '\n');
  }
  return exitCodeOf(report.status);
}
