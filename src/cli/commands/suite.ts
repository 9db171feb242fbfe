/**
 * `conc lab all [--only ids] [--skip ids] [common options]`: argv to the
 * selected labs and the common settings, then the suite runner
 * (hosts/suite.ts) with a line per lab on stderr as each ends, then the
 * summary (render/suite.ts).
 */
import { EXIT, UsageError, exitCodesLine } from '../../core/errors.js';
import { flagName } from '../../core/options.js';
import { loadRegistry, type LoadedLab, type Registry } from '../../core/registry.js';
import { exitCodeOf } from '../../core/report.js';
import { SUITE_SCHEMA, checkSuiteHost, selectIds, selectItems, suiteItems, type Suite } from '../../core/suite.js';
import { COMMON_FLAGS, parseCommon } from '../common.js';
import { OUT_FLAG, outputFlags } from '../output.js';
import { acceptedBy, flagsOf, formatRows, helpRows, helpWidthOf, parseFlags, prose, registerFlags, valuedFlags, type FlagTable } from '../flags.js';
import { checkOutPath, writeAtomic } from '../io.js';
import { newCommand, parseWith } from '../parse.js';
import { installSignals } from '../signals.js';
import { startSpinner } from '../spinner.js';

/** The flags of `conc lab all`: the selection, and the common flags in the suite's words. */
export const SUITE_FLAGS = {
  only: { type: 'string', default: '', meta: 'a comma-separated list of lab ids or slugs', metavar: 'labs', shown: null, help: 'run only these labs: ids or slugs, comma-separated (e.g. 1,2,speed-it-up)' },
  skip: { type: 'string', default: '', meta: 'a comma-separated list of lab ids or slugs', metavar: 'labs', shown: null, help: 'leave these labs out: ids or slugs, comma-separated' },
  ...COMMON_FLAGS,
  timeout: { ...COMMON_FLAGS.timeout, help: 'stop each lab after this many seconds' },
  host: { ...COMMON_FLAGS.host, help: 'run every lab in this host, which each must support' },
  json: outputFlags(SUITE_SCHEMA).json,
  out: { ...OUT_FLAG, help: 'also write the JSON suite to FILE, atomically' },
} as const satisfies FlagTable;

export function suiteHelp(width: number | undefined): string {
  return [
    'Usage: conc lab all [--only ids] [--skip ids] [common options]',
    '',
    ...prose(
      'Run every lab in order, each with its defaults (or --quick), and print a summary: ' +
        'status, checks, wall time and headline figure of each lab, and the total wall time. ' +
        'A lab that fails, errors, times out or is broken does not stop the others. ' +
        'Lab-specific options are refused here: run that lab on its own (conc lab <id> --help).',
      width,
    ),
    '',
    'Options:',
    ...formatRows([...helpRows(SUITE_FLAGS), ['-h, --help', 'this help']], width),
    '',
    ...prose(
      exitCodesLine({ ok: 'all ok', failed: 'a lab failed or errored', usage: 'usage error', timeout: 'a lab timed out', interrupted: 'interrupted' }),
      width,
    ),
    '',
  ].join('\n');
}

/** Refuse a lab's own option (e.g. --philosophers) by name, before commander calls it unknown. */
function refuseLabOptions(args: string[], reg: Registry): void {
  const known = new Set(flagsOf(SUITE_FLAGS));
  const valued = new Set(valuedFlags(SUITE_FLAGS));
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') break;
    if (!a.startsWith('--')) continue;
    const flag = a.split('=')[0] as string;
    if (known.has(flag)) {
      if (valued.has(flag) && !a.includes('=')) i++;
      continue;
    }
    const owners = reg.labs.filter(({ lab }) =>
      Object.entries(lab.options).some(([k, spec]) => flagName(k) === flag || (spec.type === 'boolean' && `--no-${flagName(k).slice(2)}` === flag)),
    );
    if (owners.length) {
      const who = owners.map((o) => `${o.id} (${o.slug})`).join(', ');
      const one = owners[0] as LoadedLab;
      throw new UsageError(
        `${flag} is an option of lab ${who}; conc lab all takes only common options (run that lab on its own: conc lab ${one.id} ${flag} ...)`,
      );
    }
  }
}

export async function suiteCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    const { outputWidth } = await import('../../render/style.js');
    process.stdout.write(suiteHelp(helpWidthOf(outputWidth())));
    return EXIT.ok;
  }
  const reg = await loadRegistry();
  refuseLabOptions(args, reg);
  const cmd = registerFlags(newCommand('conc lab all'), SUITE_FLAGS);
  const raw = parseWith(cmd, args, 'for conc lab all', (flag) => acceptedBy(SUITE_FLAGS, flag));
  const common = parseCommon(raw);
  const sel = parseFlags({ only: SUITE_FLAGS.only, skip: SUITE_FLAGS.skip }, raw);
  const all = suiteItems(reg);
  const only = sel.only === undefined ? null : selectIds('--only', sel.only, all);
  const skip = sel.skip === undefined ? null : selectIds('--skip', sel.skip, all);
  const items = selectItems(all, only, skip);
  checkSuiteHost(items, common.host);
  const outPath = common.out ? checkOutPath(common.out) : undefined;

  const { colorWanted, makeStyle, outputWidth } = await import('../../render/style.js');
  const { labLine, renderSuiteMarkdown, renderSuiteText } = await import('../../render/suite.js');
  const { runSuite } = await import('../../hosts/suite.js');
  const color = colorWanted({ noColor: !common.color, json: common.format === 'json' });
  const style = makeStyle(color, outputWidth());
  // Progress goes to stderr: a spinner there when it is a terminal, a plain line per lab otherwise.
  const errTty = Boolean(process.stderr.isTTY) && colorWanted({ noColor: !common.color, json: common.format === 'json', stream: 'stderr' });
  // A line per lab fits a terminal; without one (a log) it is written whole.
  const errStyle = makeStyle(errTty, outputWidth(process.stderr));

  const signals = installSignals();
  let suite: Suite;
  try {
    suite = await runSuite(
      { items, common, only, skip },
      {
        signal: signals.signal,
        onLabStart: (entry) => startSpinner(errTty, `lab ${entry.id} · ${entry.slug}`, { plain: true }),
        onLabEnd: (row, report) => {
          if (common.verbose && report?.error?.stack) process.stderr.write(report.error.stack + '\n');
          process.stderr.write(labLine(row, errStyle) + '\n');
        },
      },
    );
  } finally {
    signals.dispose();
  }

  const json = JSON.stringify(suite, null, 2) + '\n';
  if (common.format === 'json') process.stdout.write(json);
  else if (common.format === 'md') process.stdout.write(renderSuiteMarkdown(suite));
  else if (common.format === 'junit') process.stdout.write((await import('../../render/junit.js')).renderJunit(suite.reports, 'conc lab all'));
  else if (common.format === 'csv') process.stdout.write((await import('../../render/csv.js')).renderCsv(suite.reports));
  else process.stdout.write(renderSuiteText(suite, style));
  if (outPath) writeAtomic(outPath, json);
  return exitCodeOf(suite.status);
}
