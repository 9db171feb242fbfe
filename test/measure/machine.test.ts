import { describe, expect, it } from 'vitest';
import { machine, parseCpuQuota } from '../../src/measure/machine.js';

describe('machine fingerprint', () => {
  it('reads the cgroup CPU quota from v2 cpu.max and v1 cfs files', () => {
    expect(parseCpuQuota('150000 100000', null, null)).toBe(1.5);
    expect(parseCpuQuota('max 100000', null, null)).toBeNull();
    expect(parseCpuQuota(null, '200000', '100000')).toBe(2);
    expect(parseCpuQuota(null, '-1', '100000')).toBeNull();
    expect(parseCpuQuota(null, null, null)).toBeNull();
  });
  it('describes this machine with consistent core counts', () => {
    const m = machine();
    expect(m.logicalCores).toBeGreaterThanOrEqual(1);
    expect(m.effectiveCores).toBeGreaterThanOrEqual(1);
    expect(m.effectiveCores).toBeLessThanOrEqual(m.availableParallelism);
    expect(m.node).toBe(process.versions.node);
    expect(m.memoryBytes).toBeGreaterThan(0);
  });
});
