import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { flagName, keyName, parseOptionValue, validateTable, type OptionSpec } from '../../src/core/options.js';

const workers: OptionSpec = { type: 'integer', default: 2, min: 1, max: 256, help: 'workers' };
const philosophers: OptionSpec = { type: 'integer', default: 5, min: 2, max: 64, help: 'philosophers' };

function msg(flag: string, spec: OptionSpec, raw: string): string {
  try {
    parseOptionValue(flag, spec, raw);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`"${raw}" was accepted`);
}

describe('option parsing', () => {
  it('accepts integers in range and refuses the rest with the exact message', () => {
    expect(parseOptionValue('--workers', workers, '4')).toBe(4);
    expect(parseOptionValue('--workers', workers, ' 256 ')).toBe(256);
    expect(msg('--workers', workers, 'abc')).toBe('--workers must be an integer from 1 to 256, got "abc"');
    expect(msg('--philosophers', philosophers, '1')).toBe('--philosophers must be an integer from 2 to 64, got "1"');
    for (const bad of ['-3', '1e9', '2.5', '', '0x10', '65']) expect(msg('--philosophers', philosophers, bad)).toContain('got');
  });

  it('parses numbers, choices, lists, durations, ranges and booleans', () => {
    expect(parseOptionValue('--serial', { type: 'number', default: 0.1, min: 0, max: 1, help: 's' }, '0.25')).toBe(0.25);
    expect(msg('--serial', { type: 'number', default: 0.1, min: 0, max: 1, help: 's' }, '1.5')).toBe(
      '--serial must be a number from 0 to 1, got "1.5"',
    );
    const strategy: OptionSpec = { type: 'choice', default: 'naive', choices: ['naive', 'ordered', 'all'], help: 's' };
    expect(parseOptionValue('--strategy', strategy, 'ordered')).toBe('ordered');
    expect(msg('--strategy', strategy, 'nope')).toBe('--strategy must be one of naive, ordered, all, got "nope"');
    const sizes: OptionSpec = { type: 'list', default: [64], min: 1, max: 1 << 24, help: 's' };
    expect(parseOptionValue('--sizes', sizes, '64,4096, 1048576')).toEqual([64, 4096, 1048576]);
    expect(msg('--sizes', sizes, '64,,8')).toContain('comma-separated list of integers');
    expect(msg('--sizes', sizes, '0')).toContain('got "0"');
    const delay: OptionSpec = { type: 'duration', default: 20, min: 0, max: 10_000, help: 'd' };
    expect(parseOptionValue('--delay', delay, '20')).toBe(20);
    expect(parseOptionValue('--delay', delay, '1.5s')).toBe(1500);
    expect(parseOptionValue('--delay', delay, '250ms')).toBe(250);
    expect(msg('--delay', delay, '11s')).toContain('from 0ms to 10s');
    const think: OptionSpec = { type: 'range', default: [0, 2], min: 0, max: 1000, help: 't' };
    expect(parseOptionValue('--think', think, '10-50')).toEqual([10, 50]);
    expect(parseOptionValue('--think', think, '7')).toEqual([7, 7]);
    expect(msg('--think', think, '50-10')).toContain('got "50-10"');
    const flag: OptionSpec = { type: 'boolean', default: false, help: 'f' };
    expect(parseOptionValue('--x', flag, 'yes')).toBe(true);
    expect(msg('--x', flag, 'maybe')).toContain('a flag');
    const dir: OptionSpec = { type: 'string', default: '', meta: 'a directory', help: 'd' };
    expect(parseOptionValue('--cpu-prof', dir, '/tmp/x')).toBe('/tmp/x');
    expect(msg('--cpu-prof', dir, ' ')).toBe('--cpu-prof must be a directory, got " "');
    const outDir: OptionSpec = { type: 'string', default: '', meta: 'a directory', dir: true, help: 'd' };
    expect(parseOptionValue('--cpu-prof', outDir, '/tmp/conc-not-yet/profiles')).toBe('/tmp/conc-not-yet/profiles');
    expect(msg('--cpu-prof', outDir, '/etc/hostname/x')).toBe('--cpu-prof "/etc/hostname/x" (its parent /etc/hostname) is not a directory');
  });

  it('maps camelCase keys to kebab-case flags and back', () => {
    expect(flagName('poolSizes')).toBe('--pool-sizes');
    expect(keyName('--pool-sizes')).toBe('poolSizes');
  });

  it('finds ill-formed option tables', () => {
    expect(validateTable({ workers })).toEqual([]);
    expect(validateTable({ bad: { type: 'integer', default: 0, min: 1, max: 3, help: 'x' } })[0]).toContain('default of --bad');
    expect(validateTable({ n: { type: 'integer', default: 1, min: 1, max: 3, help: '' } })[0]).toContain('needs a help text');
    expect(validateTable({ 'bad-key': workers })[0]).toContain('camelCase');
  });
});
