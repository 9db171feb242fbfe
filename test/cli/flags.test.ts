/**
 * Flag tables: from one table come the commander flags, the --help rows, the
 * "needs a value" message and the validated values. The tables of conc lab,
 * conc lab all and conc compare are checked here as data.
 */
import path from 'node:path';
import { CommanderError } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { BrokenLabError, EXIT, UsageError } from '../../src/core/errors.js';
import { validateTable } from '../../src/core/options.js';
import { loadRegistry } from '../../src/core/registry.js';
import { COMMON_FLAGS, parseCommon } from '../../src/cli/common.js';
import { COMPARE_FLAGS, compareHelp } from '../../src/cli/commands/compare.js';
import { labHelp } from '../../src/cli/commands/lab.js';
import { SUITE_FLAGS, suiteHelp } from '../../src/cli/commands/suite.js';
import {
  acceptedBy,
  flagOf,
  flagsOf,
  formatRows,
  helpRows,
  parseFlags,
  registerFlags,
  valuedFlags,
  type FlagTable,
} from '../../src/cli/flags.js';
import { handleError } from '../../src/cli/main.js';
import { newCommand, parseWith } from '../../src/cli/parse.js';
import { fakeLab } from '../helpers/fake-labs.js';
import { ROOT } from '../helpers/run-lab.js';

const TABLE = {
  quick: { type: 'boolean', default: false, help: 'short' },
  color: { type: 'boolean', default: true, negate: true, help: 'no colour' },
  count: { type: 'integer', default: 10, min: 1, max: 100, help: 'how many' },
  timeout: { type: 'number', default: 120, min: 0.1, max: 600, metavar: 'seconds', shown: 'per lab', help: 'stop after' },
  threshold: { type: 'number', default: 0, min: 0, max: 100, metavar: 'percent', suffix: '%', help: 'smallest change' },
  mode: { type: 'choice', default: 'a', choices: ['a', 'b'], help: 'a mode' },
  out: { type: 'string', default: '', meta: 'a file name', metavar: 'file', shown: null, help: 'write to FILE' },
} as const satisfies FlagTable;

const parse = (args: string[], table: FlagTable = TABLE): Record<string, string | boolean | undefined> =>
  parseWith(registerFlags(newCommand('t'), table), args, 'for t', (f) => acceptedBy(table, f));

describe('a flag table', () => {
  it('registers its flags with commander in table order, --no-X for a negated boolean', () => {
    const cmd = registerFlags(newCommand('t'), TABLE);
    expect(cmd.options.map((o) => o.flags)).toEqual(['--quick', '--no-color', '--count <value>', '--timeout <value>', '--threshold <value>', '--mode <value>', '--out <value>']);
    expect(flagsOf(TABLE)).toEqual(['--quick', '--no-color', '--count', '--timeout', '--threshold', '--mode', '--out']);
    expect(valuedFlags(TABLE)).toEqual(['--count', '--timeout', '--threshold', '--mode', '--out']);
    expect(flagOf('failOnRegression', { type: 'boolean', default: false, help: 'x' })).toBe('--fail-on-regression');
  });

  it('gives lab booleans both forms when negatable', () => {
    const t = { fresh: { type: 'boolean', default: true, help: 'fresh' } } as const satisfies FlagTable;
    expect(registerFlags(newCommand('t'), t, { negatable: true }).options.map((o) => o.flags)).toEqual(['--fresh', '--no-fresh']);
    expect(flagsOf(t, { negatable: true })).toEqual(['--fresh', '--no-fresh']);
    const cmd = registerFlags(newCommand('t'), t, { negatable: true });
    expect(parseWith(cmd, ['--no-fresh'], 'for t', () => undefined)).toEqual({ fresh: false });
  });

  it('writes a --help row per flag: placeholder, accepted values, default (or none)', () => {
    expect(helpRows(TABLE)).toEqual([
      ['--quick', 'short'],
      ['--no-color', 'no colour'],
      ['--count <n>', 'how many (an integer from 1 to 100; default: 10)'],
      ['--timeout <seconds>', 'stop after (a number from 0.1 to 600; default: per lab)'],
      ['--threshold <percent>', 'smallest change (a number from 0 to 100; default: 0)'],
      ['--mode <a|b>', 'a mode (default: a)'],
      ['--out <file>', 'write to FILE'],
    ]);
    const lab = { fail: { type: 'boolean', default: false, help: 'fail' }, n: { type: 'integer', default: 5, min: 1, max: 9, help: 'n' } } as const;
    expect(helpRows(lab, { negatable: true, quick: { n: 2 } })).toEqual([
      ['--fail', 'fail (default: false)'],
      ['--n <n>', 'n (an integer from 1 to 9; default: 5; --quick: 2)'],
    ]);
  });

  it('aligns help rows, and wraps them to a width under their own column', () => {
    const rows: [string, string][] = [
      ['--a', 'short'],
      ['--longer <n>', 'a text long enough to need more than one line at forty columns of width'],
    ];
    expect(formatRows(rows)).toEqual(['  --a           short', '  --longer <n>  a text long enough to need more than one line at forty columns of width']);
    const wrapped = formatRows(rows, 40);
    expect(wrapped).toEqual([
      '  --a           short',
      '  --longer <n>  a text long enough to',
      '                need more than one line',
      '                at forty columns of',
      '                width',
    ]);
    expect(Math.max(...wrapped.map((l) => l.length))).toBeLessThan(40);
    // A flag longer than 30 does not widen the column on a terminal: its text goes below it.
    expect(formatRows([['--a', 'short'], ['--a-very-long-flag-name <value>', 'a text long enough to need more than one line']], 40)).toEqual([
      '  --a  short',
      '  --a-very-long-flag-name <value>',
      '       a text long enough to need more',
      '       than one line',
    ]);
    // Without a terminal every flag counts, and a row stays one line.
    expect(formatRows([['--a', 'short'], ['--a-very-long-flag-name <value>', 'text']])).toEqual([
      '  --a                              short',
      '  --a-very-long-flag-name <value>  text',
    ]);
  });

  it('validates the values given, and leaves the others undefined (the caller knows the default)', () => {
    expect(parseFlags(TABLE, parse([]))).toEqual({ quick: false, color: true, count: undefined, timeout: undefined, threshold: undefined, mode: undefined, out: undefined });
    expect(parseFlags(TABLE, parse(['--quick', '--no-color', '--count', '7', '--timeout=0.5', '--threshold', '5%', '--mode', 'b', '--out', 'r.json']))).toEqual({
      quick: true,
      color: false,
      count: 7,
      timeout: 0.5,
      threshold: 5,
      mode: 'b',
      out: 'r.json',
    });
    const refused: [string[], string][] = [
      [['--count', '0'], '--count must be an integer from 1 to 100, got "0"'],
      [['--timeout', '0'], '--timeout must be a number from 0.1 to 600, got "0"'],
      [['--threshold', '5%%'], '--threshold must be a number from 0 to 100, got "5%"'],
      [['--mode', 'c'], '--mode must be one of a, b, got "c"'],
      [['--out', ''], '--out must be a file name, got ""'],
    ];
    for (const [args, msg] of refused) expect(() => parseFlags(TABLE, parse(args))).toThrow(msg);
  });

  it('says what a flag given without its value accepts, from the table', () => {
    expect(() => parse(['--count'])).toThrow('--count needs a value: an integer from 1 to 100');
    expect(() => parse(['--mode'])).toThrow('--mode needs a value: one of a, b');
    expect(() => parse(['--bogus'])).toThrow(/^unknown option --bogus for t \(options: --quick, --no-color, --count/);
  });
});

describe("conc's tables", () => {
  const tables: [string, FlagTable][] = [
    ['COMMON_FLAGS', COMMON_FLAGS],
    ['SUITE_FLAGS', SUITE_FLAGS],
    ['COMPARE_FLAGS', COMPARE_FLAGS],
  ];

  it.each(tables)('%s is well-formed: camelCase keys, help texts, valid defaults', (_, t) => {
    expect(validateTable(t)).toEqual([]);
  });

  it('the suite takes the common flags (in its own words) and --only, --skip', () => {
    expect(Object.keys(SUITE_FLAGS)).toEqual(['only', 'skip', ...Object.keys(COMMON_FLAGS)]);
    expect(SUITE_FLAGS.timeout.help).not.toBe(COMMON_FLAGS.timeout.help);
    expect(SUITE_FLAGS.json.help).toContain('conc.suite/1');
    expect(COMMON_FLAGS.json.help).toContain('conc.report/1');
    expect(COMPARE_FLAGS.json.help).toContain('conc.compare/1');
  });

  it('every flag of a table is in its help, and the help has no other flag', () => {
    const flagsIn = (text: string): string[] => [...text.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1] as string);
    expect(flagsIn(suiteHelp(undefined))).toEqual(flagsOf(SUITE_FLAGS));
    expect(flagsIn(compareHelp(undefined))).toEqual(flagsOf(COMPARE_FLAGS));
    const lab = fakeLab(9, 'nine', { options: { fresh: { type: 'boolean', default: true, help: 'fresh' }, n: { type: 'integer', default: 2, min: 1, max: 4, help: 'n' } } });
    expect(flagsIn(labHelp(lab, undefined))).toEqual(['--fresh', '--n', ...flagsOf(COMMON_FLAGS)]);
  });

  it("fits help to an 80-column terminal: the suite's, compare's and every lab's of the build", async () => {
    const lab = fakeLab(9, 'nine', { options: { n: { type: 'integer', default: 2, min: 1, max: 4, help: 'a rather long help text for an option, to see it wrap' } } });
    const reg = await loadRegistry(path.join(ROOT, 'dist/labs'));
    expect(reg.labs.length).toBeGreaterThan(0);
    const texts = [suiteHelp(80), compareHelp(80), labHelp(lab, 80), ...reg.labs.map((e) => labHelp(e.lab, 80))];
    for (const text of texts) for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('parseCommon: the run settings and the output options, checked against each other and the lab', () => {
    const raw = parse(['--quick', '--seed', '7', '--timeout', '2.5', '--host', 'process', '--format', 'md'], COMMON_FLAGS);
    expect(parseCommon(raw)).toEqual({
      quick: true,
      repeat: undefined,
      warmup: undefined,
      seed: 7,
      timeoutMs: 2500,
      host: 'process',
      format: 'md',
      out: undefined,
      color: true,
      verbose: false,
    });
    expect(parseCommon(parse(['--json'], COMMON_FLAGS)).format).toBe('json');
    expect(() => parseCommon(parse(['--json', '--format', 'md'], COMMON_FLAGS))).toThrow('--json conflicts with --format md');
    const workerOnly = fakeLab(5, 'five');
    expect(() => parseCommon(parse(['--host', 'process'], COMMON_FLAGS), workerOnly)).toThrow('--host must be one of worker for lab 5 (five), got "process"');
  });
});

describe('errors to exit codes (main.handleError)', () => {
  function run(e: unknown, verbose = false): { code: number; err: string } {
    let err = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    try {
      return { code: handleError(e, verbose, CommanderError), err };
    } finally {
      spy.mockRestore();
    }
  }

  it('a usage error: exit 2, one line, no stack even with --verbose', () => {
    expect(run(new UsageError('--count must be an integer'), true)).toEqual({ code: EXIT.usage, err: 'conc: --count must be an integer\n' });
  });

  it("commander's errors are usage errors; its help and version exit 0", () => {
    expect(run(new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'frob'"))).toEqual({
      code: EXIT.usage,
      err: "conc: unknown command 'frob' (commands: list, info, lab, compare; see conc --help)\n",
    });
    expect(run(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')).code).toBe(EXIT.ok);
    expect(run(new CommanderError(0, 'commander.version', '0.1.0')).code).toBe(EXIT.ok);
  });

  it("a broken lab: its own exit code (1); the stack only with --verbose", () => {
    expect(run(new BrokenLabError('lab 4 (x) is broken'))).toEqual({ code: EXIT.failed, err: 'conc: lab 4 (x) is broken\n' });
    expect(run(new BrokenLabError('lab 4 (x) is broken'), true).err).toMatch(/^conc: lab 4 \(x\) is broken\nBrokenLabError: .*\n\s+at /);
  });

  it('anything else is an internal error: exit 1, one line unless --verbose', () => {
    expect(run(new RangeError('Maximum call stack size exceeded'))).toEqual({
      code: EXIT.failed,
      err: 'conc: internal error: Maximum call stack size exceeded (--verbose for the stack)\n',
    });
  });

  it('a message echoing control characters stays one line and cannot drive the terminal', () => {
    const { err } = run(new UsageError('--seed must be an integer, got "1\n2\u001b[2J"'));
    expect(err).toBe('conc: --seed must be an integer, got "1\\n2\\x1b[2J"\n');
    expect(run(new Error('a\u202eb')).err).toBe('conc: internal error: a\\u202eb (--verbose for the stack)\n');
    expect(run(new UsageError('ünïcödé 😀 stays')).err).toBe('conc: ünïcödé 😀 stays\n');
  });
});

describe('the options line can be pasted back', () => {
  /** Split a line as a POSIX shell would, for the words optionsLine writes (plain, or in single quotes). */
  const shellSplit = (line: string): string[] => [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] as string)));

  it('for every lab of the build, its --quick options printed as flags parse back to the same options, seed and host', async () => {
    const { optionsLine } = await import('../../src/render/text.js');
    const { parseLabArgs } = await import('../../src/cli/commands/lab.js');
    const { fakeReport, entry } = await import('../helpers/fake-labs.js');
    const reg = await loadRegistry(path.join(ROOT, 'dist/labs'));
    expect(reg.labs.length).toBe(12);
    for (const e of reg.labs) {
      const inv = parseLabArgs(e, ['--quick', '--seed', '7', '--host', 'process']);
      const report = fakeReport(entry(e.lab), { options: { ...inv.options, quick: true, repeat: 3, warmup: 1 }, seed: 7, host: 'process' });
      const line = optionsLine(report, e.lab.options);
      const back = parseLabArgs(e, shellSplit(line));
      expect(back.options, `lab ${e.id}: ${line}`).toEqual(inv.options);
      expect([back.common.seed, back.common.host, back.common.quick, back.common.repeat], line).toEqual([7, 'process', true, 3]);
    }
  });

  it('writes each type as the command line takes it, quotes what a shell would split, leaves empty values out', async () => {
    const { optionsLine } = await import('../../src/render/text.js');
    const { fakeReport, entry } = await import('../helpers/fake-labs.js');
    const lab = fakeLab(9, 'nine', {
      options: {
        think: { type: 'range', default: [0, 2], min: 0, max: 10, help: 't' },
        fresh: { type: 'boolean', default: true, help: 'f' },
        delay: { type: 'duration', default: 20, min: 0, max: 1000, help: 'd' },
        cpuProf: { type: 'string', default: '', meta: 'a file', help: 'p' },
        name: { type: 'string', default: '', meta: 'a name', help: 'n' },
      },
    });
    const r = fakeReport(entry(lab), { options: { think: [0, 2], fresh: false, delay: 1500, cpuProf: '', name: "it's a name", quick: false } });
    expect(optionsLine(r, lab.options)).toBe("--think 0-2 --no-fresh --delay 1.5s --name 'it'\\''s a name' --seed 42 --host worker");
  });
});
