/**
 * `conc compare a.json b.json [c.json ...] [options]`: argv to settings and
 * file names; the files are read and checked by src/compare/read.ts,
 * compared by src/compare/ (with the statistics of src/measure/compare.ts)
 * and drawn by src/render/compare.ts. Every later file is compared with the first.
 */
import { EXIT, UsageError, exitCodesLine } from '../../core/errors.js';
import { COMPARE_SCHEMA } from '../../compare/document.js';
import { outputFlags, parseOutput } from '../output.js';
import { acceptedBy, formatRows, helpRows, helpWidthOf, parseFlags, prose, registerFlags, type FlagTable } from '../flags.js';
import { newCommand, parseWith } from '../parse.js';

const OUTPUT = outputFlags(COMPARE_SCHEMA, 'compare');

export const COMPARE_FLAGS = {
  alpha: { type: 'number', default: 0.05, min: 0.0001, max: 0.5, metavar: 'p', help: 'significance level' },
  threshold: {
    type: 'number',
    default: 0,
    min: 0,
    max: 10000,
    metavar: 'percent',
    suffix: '%',
    help: 'ignore changes of the median smaller than this, e.g. 5 or 5%',
  },
  failOnRegression: {
    type: 'boolean',
    default: false,
    help: `exit ${EXIT.failed} on a significant change beyond the threshold in the wrong direction, or on a deterministic output that differs`,
  },
  json: OUTPUT.json,
  format: { ...OUTPUT.format, help: 'output format; md suits a CI job summary' },
  color: { ...OUTPUT.color, help: 'no colour (also: NO_COLOR, or stdout not a TTY)' },
  verbose: OUTPUT.verbose,
} as const satisfies FlagTable;

export function compareHelp(width: number | undefined): string {
  return [
    'Usage: conc compare <a.json> <b.json> [c.json ...] [options]',
    '',
    ...prose(
      'Compare conc report (conc.report/1) or suite (conc.suite/1) files, from this machine or others. ' +
        'Metrics are matched by lab, name and variant; each later file is compared with the first: ' +
        'the change of the median, the p-value of a Mann-Whitney U test on the raw samples, and ~ where the change is not significant. ' +
        'Deterministic outputs that differ are shown as correctness problems.',
      width,
    ),
    '',
    'Options:',
    ...formatRows([...helpRows(COMPARE_FLAGS), ['-h, --help', 'this help']], width),
    '',
    ...prose(exitCodesLine({ ok: 'compared', failed: '--fail-on-regression found a regression, or nothing could be compared', usage: 'bad input' }), width),
    '',
  ].join('\n');
}

export async function compareCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    const { outputWidth } = await import('../../render/style.js');
    process.stdout.write(compareHelp(helpWidthOf(outputWidth())));
    return EXIT.ok;
  }
  const cmd = registerFlags(newCommand('conc compare').argument('[files...]'), COMPARE_FLAGS);
  const raw = parseWith(cmd, args, 'for conc compare', (flag) => acceptedBy(COMPARE_FLAGS, flag));
  const files = cmd.args;
  const v = parseFlags(COMPARE_FLAGS, raw);
  const { format, color } = parseOutput(v);
  if (files.length < 2)
    throw new UsageError(
      `compare needs at least two report or suite files (the first is the base), got ${files.length === 0 ? 'none' : `only ${files[0]}`}`,
    );

  const { readCompareFiles } = await import('../../compare/read.js');
  const { compareFiles, regressionReasons } = await import('../../compare/files.js');
  const read = readCompareFiles(files);
  const cmp = compareFiles(read, { alpha: v.alpha ?? COMPARE_FLAGS.alpha.default, thresholdPct: v.threshold ?? COMPARE_FLAGS.threshold.default });

  if (format === 'json') {
    const { compareDocument } = await import('../../compare/document.js');
    process.stdout.write(JSON.stringify(compareDocument(cmp, read, v.failOnRegression), null, 2) + '\n');
  } else {
    const { colorWanted, makeStyle, outputWidth } = await import('../../render/style.js');
    const render = await import('../../render/compare.js');
    if (format === 'md') process.stdout.write(render.renderCompareMarkdown(cmp));
    else {
      const st = makeStyle(colorWanted({ noColor: !color }), outputWidth());
      process.stdout.write(render.renderCompareText(cmp, st));
    }
  }
  if (!cmp.rows.length) {
    // A CI gate must not pass on files that share nothing (another lab, other options, a typo).
    const gate = v.failOnRegression ? ' (--fail-on-regression)' : '';
    process.stderr.write(`conc: compare: no metric is in more than one file; nothing was compared${gate}\n`);
    if (v.failOnRegression) return EXIT.failed;
  }
  if (v.failOnRegression) {
    const reasons = regressionReasons(cmp);
    if (reasons.length) {
      process.stderr.write(`conc: compare: ${reasons.join(' and ')} (--fail-on-regression)\n`);
      return EXIT.failed;
    }
  }
  return EXIT.ok;
}
