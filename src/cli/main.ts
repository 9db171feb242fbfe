/**
 * The commander program. Thin: each command turns argv into typed options and
 * calls a function that returns an exit code; commands load their code with
 * await import() when they run, so `conc --version` and `conc list` stay fast.
 */
import { readFileSync } from 'node:fs';
import type { Command as CommandType, CommanderError as CommanderErrorType } from 'commander';
import { ConcError, EXIT } from '../core/errors.js';
import { visible } from '../render/format.js';

const COMMANDS = ['list', 'info', 'lab', 'compare'];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Flags of `list` and `info` that the fast path understands; anything else goes through commander. */
const FAST_FLAGS = new Set(['--json', '--no-color']);

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    // Fast paths: `conc --version`, `conc list` and `conc info` are what people
    // run most and script; they skip loading commander (about a third of a
    // bare Node start-up). Help, errors and everything else go through it.
    const [cmd, ...rest] = argv;
    if (argv.length === 1 && (cmd === '--version' || cmd === '-v')) {
      process.stdout.write(version() + '\n');
      return EXIT.ok;
    }
    if ((cmd === 'list' || cmd === 'info') && rest.every((a) => FAST_FLAGS.has(a))) {
      const o = { json: rest.includes('--json'), color: !rest.includes('--no-color') };
      if (cmd === 'list') return await (await import('./commands/list.js')).listCommand(o);
      if (!rest.includes('--no-color')) return await (await import('./commands/info.js')).infoCommand(o);
    }
    // `lab` and `compare` take their own argv (options may come before or after
    // operands); commander still describes them in `conc --help`.
    if (argv[0] === 'lab' && (argv[1] === '--help' || argv[1] === '-h')) {
      const { labCommandHelp } = await import('./commands/lab.js');
      const { outputWidth } = await import('../render/fit.js');
      const { helpWidthOf } = await import('./flags.js');
      process.stdout.write(await labCommandHelp(helpWidthOf(outputWidth())));
      return EXIT.ok;
    }
    if (argv[0] === 'lab' && argv[1] !== undefined) return await lab(argv[1], argv.slice(2));
    if (argv[0] === 'compare' && argv[1] !== '--help' && argv[1] !== '-h') return await compare(argv.slice(1));
  } catch (e) {
    return handleError(e, verbose, null);
  }
  const commander = await import('commander');
  try {
    return await runCommander(commander, argv);
  } catch (e) {
    return handleError(e, verbose, commander.CommanderError);
  }
}

/** `conc lab all` runs the suite; `conc lab <id|slug>` one lab. */
async function lab(ref: string, args: string[]): Promise<number> {
  if (ref === 'all') return (await import('./commands/suite.js')).suiteCommand(args);
  return (await import('./commands/lab.js')).labCommand(ref, args);
}

async function compare(args: string[]): Promise<number> {
  return (await import('./commands/compare.js')).compareCommand(args);
}

async function runCommander(commander: typeof import('commander'), argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program: CommandType = new commander.Command('conc')
    .description('Concurrency labs on Node.js: threads, processes, event loops, streams, GPUs — measured on this machine.')
    .version(version(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .showSuggestionAfterError(true)
    .enablePositionalOptions();

  program
    .command('list')
    .description('the labs: id, slug, title, host, summary')
    .option('--json', 'as JSON')
    .option('--no-color', 'no colour')
    .action(async (o: { json?: boolean; color?: boolean }) => {
      code = await (await import('./commands/list.js')).listCommand(o);
    });
  program
    .command('info')
    .description("this machine's fingerprint: CPU, cores, cgroup quota, memory, caches, Node")
    .option('--json', 'as JSON')
    .action(async (o: { json?: boolean }) => {
      code = await (await import('./commands/info.js')).infoCommand(o);
    });
  program
    .command('lab')
    .description('run a lab: conc lab <id|slug|all> [options]; conc lab <id> --help for its options')
    .argument('<lab>', 'lab id (1-12), slug, or "all"')
    .argument('[args...]', 'lab and common options')
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (ref: string, args: string[]) => {
      code = await lab(ref, args);
    });
  program
    .command('compare')
    .description('compare report or suite files (from any machine), with significance')
    .argument('<files...>', 'two or more conc report or suite JSON files')
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (files: string[]) => {
      code = await compare(files);
    });

  await program.parseAsync(argv, { from: 'user' });
  return code;
}

/**
 * Every error ends here, as one line on stderr and its exit code from the
 * table (EXIT): usage errors (commander's and ours) 2, a ConcError its own,
 * anything else 1 as an internal error (the stack only with --verbose).
 */
export function handleError(e: unknown, verbose: boolean, CommanderError: typeof CommanderErrorType | null): number {
  if (CommanderError && e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    let msg = e.message.replace(/^error:\s*/, '').replace(/\n/g, ' ').trim();
    if (e.code === 'commander.unknownCommand') msg += ` (commands: ${COMMANDS.join(', ')}; see conc --help)`;
    if (e.code === 'commander.missingArgument' && /'lab'/.test(msg)) msg = 'conc lab needs a lab: an id (1-12), a slug, or "all" (see conc list)';
    process.stderr.write(`conc: ${visible(msg)}\n`);
    return EXIT.usage;
  }
  if (e instanceof ConcError) {
    // Messages quote the user's arguments and report files: print them with control characters escaped.
    process.stderr.write(`conc: ${visible(e.message)}\n`);
    if (verbose && e.exitCode !== EXIT.usage && e.stack) process.stderr.write(e.stack + '\n');
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`conc: internal error: ${visible(err.message)}${verbose ? '' : ' (--verbose for the stack)'}\n`);
  if (verbose && err.stack) process.stderr.write(err.stack + '\n');
  return EXIT.failed;
}
