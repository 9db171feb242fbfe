import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-lab.js';
import { BrokenLabError, UsageError } from '../../src/core/errors.js';
import { loadRegistry, resolveLab } from '../../src/core/registry.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/labs');

describe('registry', () => {
  it('loads the good labs and names the broken ones without stopping', async () => {
    const reg = await loadRegistry(FIXTURES);
    expect(reg.labs.map((l) => l.slug)).toEqual(['passes', 'throws', 'hangs']);
    const broken = Object.fromEntries(reg.broken.map((b) => [b.slug, b.problem]));
    expect(broken.broken).toMatch(/failed to load: this lab module is broken/);
    expect(broken.mismatch).toMatch(/id 7 does not match its folder number 6/);
  });

  it('resolves by id, zero-padded id and slug; refuses unknown and broken labs', async () => {
    const reg = await loadRegistry(FIXTURES);
    expect(resolveLab(reg, '1').slug).toBe('passes');
    expect(resolveLab(reg, '01').slug).toBe('passes');
    expect(resolveLab(reg, 'hangs').id).toBe(3);
    expect(() => resolveLab(reg, '99')).toThrow(UsageError);
    expect(() => resolveLab(reg, 'nope')).toThrow(/unknown lab "nope"; labs: 1 passes, 2 throws, 3 hangs/);
    expect(() => resolveLab(reg, '4')).toThrow(BrokenLabError);
  });

  it('finds every real lab in dist/ and none is broken', async () => {
    const reg = await loadRegistry(path.join(ROOT, 'dist/labs'));
    expect(reg.broken).toEqual([]);
    expect(reg.labs.length).toBeGreaterThanOrEqual(2);
    for (const l of reg.labs) expect(path.basename(l.dir)).toBe(`${String(l.id).padStart(2, '0')}-${l.slug}`);
  });
});
