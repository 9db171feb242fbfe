import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalVariant, variantLabel } from '../../src/compare/match.js';

describe('variants and canonical JSON', () => {
  it('matches a variant whatever the order of its labels, and tells types apart', () => {
    expect(canonicalVariant({ a: 1, b: 'x' })).toBe(canonicalVariant({ b: 'x', a: 1 }));
    expect(canonicalVariant({ a: 1 })).not.toBe(canonicalVariant({ a: '1' }));
    expect(canonicalVariant({})).toBe('[]');
  });

  it('labels a variant in the author order', () => {
    expect(variantLabel({ executor: 'piscina', workers: 2 })).toBe('executor=piscina workers=2');
    expect(variantLabel({})).toBe('');
  });

  it('canonical JSON ignores key order, deeply, and keeps array order', () => {
    expect(canonicalJson({ a: { y: 1, x: [2, 1] }, b: 2 })).toBe(canonicalJson({ b: 2, a: { x: [2, 1], y: 1 } }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });
});
