/**
 * Run commander over a command's argv and turn its errors into conc's one-line
 * usage errors (exit 2), naming the accepted values.
 */
import { Command, CommanderError } from 'commander';
import { UsageError } from '../core/errors.js';

export function newCommand(name: string): Command {
  return new Command(name)
    .exitOverride()
    .helpOption(false)
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .allowExcessArguments(false);
}

/** Parse user args; rethrows commander errors as UsageError with `context` (e.g. "for lab 1 (speed-it-up)"). */
export function parseWith(cmd: Command, args: string[], context: string, describe: (flag: string) => string | undefined): Record<string, string | boolean | undefined> {
  try {
    cmd.parse(args, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    const flagOf = (msg: string): string => /'(-[^' ]+)/.exec(msg)?.[1] ?? '';
    switch (e.code) {
      case 'commander.unknownOption': {
        const flag = flagOf(e.message);
        const known = cmd.options.map((o) => o.long).filter((f): f is string => !!f && f !== '--help');
        const near = known.find((k) => k.startsWith(flag.slice(0, 5)) && flag.length > 2);
        throw new UsageError(
          `unknown option ${flag} ${context}${near ? `; did you mean ${near}?` : ''} (options: ${known.join(', ')})`,
        );
      }
      case 'commander.optionMissingArgument':
      case 'commander.missingArgument': {
        const flag = flagOf(e.message);
        const accepted = describe(flag);
        throw new UsageError(`${flag || 'an argument'} needs a value${accepted ? `: ${accepted}` : ''}`);
      }
      case 'commander.excessArguments':
        throw new UsageError(`unexpected argument${cmd.args.length > 1 ? 's' : ''} "${cmd.args.join(' ')}" ${context}`);
      default:
        throw new UsageError(e.message.replace(/^error:\s*/, '').split('\n')[0] ?? e.message);
    }
  }
  return cmd.opts();
}
