/**
 * A lab run as asked for: the lab, its options resolved from its option
 * table, and the common settings as given (--quick, --repeat, --seed ...),
 * with the lab's own defaults filling in what was not given. Pure: the CLI
 * builds an invocation from argv, `conc lab all` one per lab, and
 * hosts/run-lab.ts runs it.
 */
import type { AnyLab } from './lab.js';
import { defaultValue, flagName, parseOptionValue } from './options.js';
import type { LoadedLab } from './registry.js';
import type { HostKind } from './report.js';

export const DEFAULT_SEED = 42;
/** --timeout of a lab that does not set its own, in seconds. */
export const DEFAULT_TIMEOUT_S = 120;
/** --repeat and --warmup of a lab that does not set its own. */
export const DEFAULT_REPEAT = { default: 5, quick: 3 } as const;
export const DEFAULT_WARMUP = { default: 1, quick: 1 } as const;

/** The common settings of a run as given; undefined where the lab's default applies. */
export interface RunSettings {
  quick: boolean;
  repeat: number | undefined;
  warmup: number | undefined;
  seed: number;
  timeoutMs: number | undefined;
  host: HostKind | undefined;
}

/** The settings of a run with every default filled in. */
export interface ResolvedRun {
  quick: boolean;
  repeat: number;
  warmup: number;
  seed: number;
  host: HostKind;
  timeoutMs: number;
}

export interface LabInvocation {
  entry: LoadedLab;
  /** The lab's options, resolved (resolveLabOptions). */
  options: Record<string, unknown>;
  common: RunSettings;
}

/** Raw option values by key, as a command-line parser leaves them: strings, or booleans for flags. */
export type RawOptions = Record<string, string | boolean | undefined>;

/** Resolve a lab's options: defaults, then --quick overrides, then the user's values (validated). */
export function resolveLabOptions(lab: AnyLab, raw: RawOptions, quick: boolean): Record<string, unknown> {
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

/** Fill what the settings leave open with the lab's defaults (full or --quick), then conc's. */
export function resolveRun(lab: AnyLab, c: RunSettings): ResolvedRun {
  const mode = c.quick ? 'quick' : 'default';
  return {
    quick: c.quick,
    repeat: c.repeat ?? lab.repeat?.[mode] ?? DEFAULT_REPEAT[mode],
    warmup: c.warmup ?? lab.warmup?.[mode] ?? DEFAULT_WARMUP[mode],
    seed: c.seed,
    host: c.host ?? lab.host,
    timeoutMs: c.timeoutMs ?? (lab.timeout ?? DEFAULT_TIMEOUT_S) * 1000,
  };
}
