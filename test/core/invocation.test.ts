import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { DEFAULT_SEED, DEFAULT_TIMEOUT_S, resolveLabOptions, resolveRun, type RunSettings } from '../../src/core/invocation.js';
import { fakeLab } from '../helpers/fake-labs.js';

const lab = fakeLab(1, 'one', {
  options: {
    count: { type: 'integer', default: 100, min: 1, max: 1000, help: 'count' },
    mode: { type: 'choice', default: 'a', choices: ['a', 'b'], help: 'mode' },
    fresh: { type: 'boolean', default: true, help: 'fresh' },
    sizes: { type: 'list', default: [1, 2], min: 1, max: 10, help: 'sizes' },
  },
  quick: { count: 10 },
});

describe('resolveLabOptions', () => {
  it('takes the defaults, then --quick overrides, then the values given', () => {
    expect(resolveLabOptions(lab, {}, false)).toEqual({ count: 100, mode: 'a', fresh: true, sizes: [1, 2] });
    expect(resolveLabOptions(lab, {}, true)).toMatchObject({ count: 10 });
    expect(resolveLabOptions(lab, { count: '50', fresh: false, sizes: '3,4' }, true)).toEqual({ count: 50, mode: 'a', fresh: false, sizes: [3, 4] });
  });

  it('validates what is given with the option table', () => {
    expect(() => resolveLabOptions(lab, { count: '0' }, false)).toThrow(UsageError);
    expect(() => resolveLabOptions(lab, { mode: 'c' }, false)).toThrow('--mode must be one of a, b, got "c"');
  });

  it('gives each run its own copy of a list default', () => {
    const a = resolveLabOptions(lab, {}, false);
    (a.sizes as number[]).push(9);
    expect(resolveLabOptions(lab, {}, false).sizes).toEqual([1, 2]);
  });
});

describe('resolveRun', () => {
  const none: RunSettings = { quick: false, repeat: undefined, warmup: undefined, seed: DEFAULT_SEED, timeoutMs: undefined, host: undefined };

  it("fills what is not given with conc's defaults, full and --quick", () => {
    expect(resolveRun(lab, none)).toEqual({ quick: false, repeat: 5, warmup: 1, seed: 42, host: 'worker', timeoutMs: DEFAULT_TIMEOUT_S * 1000 });
    expect(resolveRun(lab, { ...none, quick: true })).toMatchObject({ repeat: 3, warmup: 1 });
  });

  it("prefers the lab's own defaults, then what was given", () => {
    const own = fakeLab(2, 'two', { host: 'process', repeat: { default: 20, quick: 4 }, warmup: { default: 3, quick: 0 }, timeout: 30 });
    expect(resolveRun(own, none)).toMatchObject({ repeat: 20, warmup: 3, host: 'process', timeoutMs: 30_000 });
    expect(resolveRun(own, { ...none, quick: true })).toMatchObject({ repeat: 4, warmup: 0 });
    expect(resolveRun(own, { ...none, quick: true, repeat: 9, warmup: 2, timeoutMs: 1500, host: 'worker', seed: 7 })).toEqual({
      quick: true,
      repeat: 9,
      warmup: 2,
      seed: 7,
      host: 'worker',
      timeoutMs: 1500,
    });
  });
});
