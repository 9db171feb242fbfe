/**
 * The small error hierarchy of conc, and its exit codes. Each class carries
 * the exit code that the entry point (bin/conc.js -> src/cli/main.ts) uses;
 * nothing else calls process.exit.
 */

/**
 * Every exit code of conc (DESIGN.md), the one table: statuses map onto it
 * (STATUS_EXIT in report.ts), errors carry one, help texts are written from
 * it (exitCodesLine); no other code writes an exit code as a number.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, timeout: 3, interrupted: 130 } as const;
export type ExitName = keyof typeof EXIT;
export type ExitCode = (typeof EXIT)[ExitName];

/** "Exit codes: 0 ok; 1 ...; 2 usage error." for a command's help, with its meanings, in the table's order. */
export function exitCodesLine(meaning: Partial<Record<ExitName, string>>): string {
  const parts = (Object.keys(EXIT) as ExitName[]).filter((k) => k in meaning).map((k) => `${EXIT[k]} ${meaning[k]}`);
  return `Exit codes: ${parts.join('; ')}.`;
}

export class ConcError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad command, lab, option or file: one line on stderr, exit 2, no stack. */
export class UsageError extends ConcError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** A lab that could not be loaded (broken module, invalid definition). */
export class BrokenLabError extends ConcError {
  constructor(message: string) {
    super(message, EXIT.failed);
  }
}

/** A bounded wait ran out. Labs use it for their own waits (worker replies, exits). */
export class WaitTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`timed out after ${ms} ms waiting for ${what}`);
    this.name = 'WaitTimeoutError';
  }
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** A failure is data: turn anything thrown into a serialisable {name, message, stack}. */
export function toSerializedError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const out: SerializedError = { name: e.name || 'Error', message: e.message };
    if (e.stack) out.stack = e.stack;
    return out;
  }
  return { name: 'Error', message: typeof e === 'string' ? e : safeString(e) };
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
