/** The machines of the files side by side, field by field, with the fields that differ marked. */
import { formatBytes, type Machine } from '../measure/machine.js';
import type { MachineField } from './model.js';

const MACHINE_FIELDS: { key: string; label: string; get: (m: Machine) => string }[] = [
  { key: 'cpuModel', label: 'CPU', get: (m) => m.cpuModel },
  { key: 'logicalCores', label: 'cores', get: (m) => `${m.logicalCores} (${m.availableParallelism} available)` },
  { key: 'cpuQuota', label: 'CPU quota', get: (m) => (m.cpuQuota === null ? 'none' : `${+m.cpuQuota.toFixed(2)} CPUs`) },
  { key: 'effectiveCores', label: 'effective cores', get: (m) => String(m.effectiveCores) },
  {
    key: 'memoryBytes',
    label: 'memory',
    get: (m) => `${formatBytes(m.memoryBytes)}${m.memoryLimitBytes ? ` (limit ${formatBytes(m.memoryLimitBytes)})` : ''}`,
  },
  { key: 'os', label: 'OS', get: (m) => `${m.os} ${m.arch}` },
  { key: 'node', label: 'Node', get: (m) => m.node },
  { key: 'v8', label: 'V8', get: (m) => m.v8 },
  { key: 'uvThreadpoolSize', label: 'UV_THREADPOOL_SIZE', get: (m) => String(m.uvThreadpoolSize) },
];

export function compareMachines(machines: readonly (Machine | null)[]): MachineField[] {
  return MACHINE_FIELDS.map((f) => {
    const values = machines.map((m) => {
      if (!m) return '?';
      try {
        return f.get(m);
      } catch {
        return '?'; // a field missing from an older or hand-made file
      }
    });
    return { key: f.key, label: f.label, values, differs: new Set(values).size > 1 };
  });
}
