/** The hardware table: what bounds a speedup on this machine, from ctx.machine. */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { formatBytes } from '../../src/measure/machine.js';

export function hardwareTable(ctx: LabContext<unknown>): void {
  const m = ctx.machine;
  const rows: Record<string, Cell>[] = [
    { what: 'CPU model', value: m.cpuModel },
    { what: 'logical cores (os.cpus)', value: String(m.logicalCores) },
    { what: 'availableParallelism()', value: String(m.availableParallelism) },
    { what: 'cgroup CPU quota', value: m.cpuQuota === null ? 'none' : `${+m.cpuQuota.toFixed(2)} CPUs` },
    { what: 'effective cores (used as "cores" here)', value: String(m.effectiveCores) },
  ];
  for (const c of m.caches) {
    const kind = c.type === 'Unified' ? '' : c.type === 'Data' ? 'd' : c.type === 'Instruction' ? 'i' : ` ${c.type}`;
    rows.push({ what: `L${c.level}${kind} cache`, value: `${formatBytes(c.sizeBytes)}${c.lineBytes ? `, ${c.lineBytes} B lines` : ''}` });
  }
  if (m.caches.length === 0) rows.push({ what: 'caches', value: 'not listed here (no /sys/devices/system/cpu/cpu0/cache)' });
  rows.push(
    { what: 'cache line', value: m.cacheLineBytes === null ? 'unknown (64 B assumed)' : `${m.cacheLineBytes} B` },
    { what: 'memory', value: formatBytes(m.memoryBytes) + (m.memoryLimitBytes === null ? '' : ` (cgroup limit ${formatBytes(m.memoryLimitBytes)})`) },
  );
  ctx.table({
    title: 'Hardware',
    columns: [
      { key: 'what', label: 'property' },
      { key: 'value', label: 'value' },
    ],
    rows,
    note: "Caches are cpu0's as /sys lists them; a level may be private to a core or shared by several. A speedup needs a core per worker, and a cgroup quota can allow fewer cores than the CPU count.",
  });
}
