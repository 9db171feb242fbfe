/**
 * `conc lab <id|slug> [options]`: resolve the lab, turn argv into typed
 * options from its option table, run it in its host, render the report.
 * Nothing here measures.
 */
import { UsageError } from '../../core/errors.js';
import type { AnyLab } from '../../core/lab.js';
import { defaultValue, describeAccepted, flagName, formatValue, parseOptionValue } from '../../core/options.js';
import { loadRegistry, resolveLab, type LoadedLab } from '../../core/registry.js';
import { exitCodeOf, type Report } from '../../core/report.js';
import { runInHost } from '../../hosts/run-lab.js';
import { checkOutPath, writeAtomic } from '../io.js';
import { COMMON_HELP, DEFAULT_TIMEOUT_S, addCommonFlags, parseCommon, type CommonOptions } from '../common.js';
import { newCommand, parseWith } from '../parse.js';
import { colorWanted, makeStyle, outputWidth } from '../../render/style.js';
import { startSpinner } from '../spinner.js';
import { installSignals } from '../signals.js';

export function labHelp(lab: AnyLab): string {
  const rows: [string, string][] = [];
  for (const [key, spec] of Object.entries(lab.options)) {
    const flag = spec.type === 'boolean' ? flagName(key) : `${flagName(key)} <${spec.type === 'choice' ? spec.choices.join('|') : spec.type === 'list' ? 'a,b,...' : spec.type === 'range' ? 'lo-hi' : spec.type === 'duration' ? 'time' : spec.type === 'string' ? 'value' : 'n'}>`;
    const quick = lab.quick && key in lab.quick ? `; --quick: ${formatValue(spec, (lab.quick as Record<string, unknown>)[key])}` : '';
    const accepted = spec.type === 'boolean' || spec.type === 'choice' ? '' : `${describeAccepted(spec)}; `;
    const def = spec.type === 'string' && spec.default === '' ? 'none' : formatValue(spec, defaultValue(spec));
    rows.push([flag, `${spec.help} (${accepted}default: ${def}${quick})`]);
  }
  const w = Math.max(...[...rows, ...COMMON_HELP].map(([f]) => f.length)) + 2;
  const fmt = ([f, h]: [string, string]): string => `  ${f.padEnd(w)}${h}`;
  const hosts = (lab.hosts ?? [lab.host]).join(', ');
  const repeat = lab.repeat ? `; --repeat defaults to ${lab.repeat.default} (${lab.repeat.quick} with --quick)` : '';
  return [
    `Usage: conc lab ${lab.id} [options]        (or: conc lab ${lab.slug})`,
    '',
    `${lab.title}`,
    `${lab.summary}`,
    '',
    'Lab options:',
    ...(rows.length ? rows.map(fmt) : ['  (none)']),
    '',
    'Common options:',
    ...COMMON_HELP.map(fmt),
    '',
    `Host: ${lab.host} (supports: ${hosts}); timeout ${lab.timeout ?? DEFAULT_TIMEOUT_S} s${repeat}.`,
    '',
  ].join('\n');
}

/** Resolve a lab's options: defaults, then --quick overrides, then the user's flags. */
export function resolveLabOptions(lab: AnyLab, raw: Record<string, string | boolean | undefined>, quick: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(lab.options)) {
    out[key] = defaultValue(spec);
    if (quick && lab.quick && key in lab.quick) out[key] = (lab.quick as Record<string, unknown>)[key];
    const v = raw[key];
    if (v === undefined) continue;
    if (spec.type === 'boolean') out[key] = v === true;
    else if (typeof v === 'string') out[key] = parseOptionValue(flagName(key), spec, v);
  }
  return out;
}

export interface LabInvocation {
  entry: LoadedLab;
  options: Record<string, unknown>;
  common: CommonOptions;
}

/** Parse `conc lab <ref> ...args` for one lab; throws UsageError on bad input. */
export function parseLabArgs(entry: LoadedLab, args: string[]): LabInvocation {
  const { lab } = entry;
  const cmd = addCommonFlags(newCommand(`conc lab ${lab.id}`));
  for (const [key, spec] of Object.entries(lab.options)) {
    if (spec.type === 'boolean') {
      cmd.option(flagName(key), spec.help);
      cmd.option(`--no-${flagName(key).slice(2)}`, `not ${spec.help}`);
    } else cmd.option(`${flagName(key)} <value>`, spec.help);
  }
  const describe = (flag: string): string | undefined => {
    const key = Object.keys(lab.options).find((k) => flagName(k) === flag);
    const spec = key ? lab.options[key] : undefined;
    return spec ? describeAccepted(spec) : undefined;
  };
  const raw = parseWith(cmd, args, `for lab ${lab.id} (${lab.slug})`, describe);
  const common = parseCommon(raw, lab);
  const options = resolveLabOptions(lab, raw, common.quick);
  return { entry, options, common };
}

export async function runInvocation(
  inv: LabInvocation,
  hooks: { signal?: AbortSignal; onProgress?: (text: string, fraction?: number) => void } = {},
): Promise<Report> {
  const { lab } = inv.entry;
  const c = inv.common;
  const repeat = c.repeat ?? (c.quick ? (lab.repeat?.quick ?? 3) : (lab.repeat?.default ?? 5));
  const warmup = c.warmup ?? (c.quick ? (lab.warmup?.quick ?? 1) : (lab.warmup?.default ?? 1));
  return runInHost({
    lab,
    labUrl: inv.entry.url,
    options: inv.options,
    common: { quick: c.quick, repeat, warmup, seed: c.seed },
    host: c.host ?? lab.host,
    timeoutMs: c.timeoutMs ?? (lab.timeout ?? DEFAULT_TIMEOUT_S) * 1000,
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  });
}

export async function labCommand(ref: string, args: string[]): Promise<number> {
  if (ref === 'all') {
    const { suiteCommand } = await import('./suite.js');
    return suiteCommand(args);
  }
  const reg = await loadRegistry();
  const entry = resolveLab(reg, ref);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(labHelp(entry.lab));
    return 0;
  }
  const inv = parseLabArgs(entry, args);
  const { common } = inv;
  const outPath = common.out ? checkOutPath(common.out) : undefined;
  const color = colorWanted({ noColor: !common.color, json: common.format === 'json' });
  const style = makeStyle(color, outputWidth());
  const signals = installSignals();
  const spinner = await startSpinner(color && Boolean(process.stderr.isTTY), `lab ${entry.id} · ${entry.slug}`);
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
    process.stdout.write(renderMarkdown(report));
  } else {
    const { renderText } = await import('../../render/text.js');
    process.stdout.write(renderText(report, style, { chapter: entry.lab.chapter, verbose: common.verbose }));
  }
  if (outPath) writeAtomic(outPath, json);
  if (report.status !== 'ok' && report.status !== 'failed' && common.format !== 'text') {
    process.stderr.write(`conc: lab ${entry.id} (${entry.slug}) ${report.status}: ${report.error?.message ?? ''}\n`);
    if (common.verbose && report.error?.stack) process.stderr.write(report.error.stack + '\n');
  }
  return exitCodeOf(report.status);
}

export { UsageError };
