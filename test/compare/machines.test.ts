import { describe, expect, it } from 'vitest';
import { compareMachines } from '../../src/compare/machines.js';
import type { Machine } from '../../src/measure/machine.js';

describe('compareMachines', () => {
  const m = (over: Partial<Machine>): Machine => ({
    cpuModel: 'CPU X',
    logicalCores: 8,
    availableParallelism: 8,
    cpuQuota: null,
    effectiveCores: 8,
    memoryBytes: 16 * 1024 ** 3,
    memoryLimitBytes: null,
    os: 'Linux 6.1',
    platform: 'linux',
    arch: 'x64',
    node: '20.19.0',
    v8: '11.3',
    uv: '1.46.0',
    uvThreadpoolSize: 4,
    caches: [],
    cacheLineBytes: 64,
    gpu: { modes: [], note: '' },
    ...over,
  });

  it('marks exactly the fields that differ', () => {
    const fields = compareMachines([m({}), m({ logicalCores: 2, availableParallelism: 2, cpuQuota: 1.5, node: '22.1.0' })]);
    expect(fields.filter((f) => f.differs).map((f) => f.key)).toEqual(['logicalCores', 'cpuQuota', 'node']);
    expect(fields.find((f) => f.key === 'cpuQuota')?.values).toEqual(['none', '1.5 CPUs']);
    expect(fields.find((f) => f.key === 'memoryBytes')?.values).toEqual(['16 GiB', '16 GiB']);
  });

  it('shows ? for an unknown machine', () => {
    const fields = compareMachines([m({}), null]);
    expect(fields.every((f) => f.values[1] === '?' && f.differs)).toBe(true);
  });
});
