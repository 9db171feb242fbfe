/** `conc info [--json]`: this machine's fingerprint (what every report carries). */
import { EXIT } from '../../core/errors.js';
import { formatBytes, machine } from '../../measure/machine.js';

export async function infoCommand(opts: { json?: boolean }): Promise<number> {
  const m = machine();
  if (opts.json) {
    process.stdout.write(JSON.stringify({ schema: 'conc.machine/1', machine: m }, null, 2) + '\n');
    return EXIT.ok;
  }
  const caches = m.caches.length
    ? m.caches.map((c) => `L${c.level} ${c.type.toLowerCase()} ${formatBytes(c.sizeBytes)}`).join(', ')
    : 'unknown (no /sys/devices/system/cpu)';
  const lines: [string, string][] = [
    ['CPU', m.cpuModel],
    ['logical cores', String(m.logicalCores)],
    ['availableParallelism', String(m.availableParallelism)],
    ['cgroup CPU quota', m.cpuQuota === null ? 'none' : `${+m.cpuQuota.toFixed(2)} CPUs`],
    ['cores to use', String(m.effectiveCores)],
    ['memory', `${formatBytes(m.memoryBytes)}${m.memoryLimitBytes ? ` (cgroup limit ${formatBytes(m.memoryLimitBytes)})` : ''}`],
    ['caches (cpu0)', caches],
    ['cache line', m.cacheLineBytes === null ? 'unknown' : `${m.cacheLineBytes} B`],
    ['OS', `${m.os} (${m.platform} ${m.arch})`],
    ['Node / V8 / libuv', `${m.node} / ${m.v8} / ${m.uv}`],
    ['UV_THREADPOOL_SIZE', `${m.uvThreadpoolSize}${process.env.UV_THREADPOOL_SIZE ? '' : ' (default)'}`],
    ['GPU modes', m.gpu.modes.length ? m.gpu.modes.join(', ') : m.gpu.note],
  ];
  const w = Math.max(...lines.map(([k]) => k.length));
  process.stdout.write(lines.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n');
  return EXIT.ok;
}
