/** Lab 12's reading of others' load: /proc/<pid>/stat parsed, and a process tree's CPU time that grows with its work. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measuringLoad, parseStat, treeCpuMs } from '../../labs/12-choosing-a-solution/load.js';

describe('load', () => {
  it('parses ppid and utime + stime from a stat line, whatever the command name holds', () => {
    const line = '4242 (node (a) b) S 17 4242 4242 0 -1 4194560 1000 0 0 0 123 45 6 7 20 0 11 0 5000 1000000 5000';
    expect(parseStat(line)).toEqual({ ppid: 17, cpuMs: (123 + 45) * 10 });
    expect(parseStat('garbage')).toBeNull();
  });

  it("counts this process's CPU time, which grows as it works", async () => {
    const a = treeCpuMs();
    if (!existsSync('/proc/self/stat')) return expect(a).toBeNull();
    const t0 = Date.now();
    while (Date.now() - t0 < 80) {
      /* 80 ms of CPU: 8 ticks */
    }
    expect((treeCpuMs() as number) - (a as number)).toBeGreaterThanOrEqual(50);
    const { value, others } = await measuringLoad(async () => 7);
    expect(value).toBe(7);
    expect(others === null || others >= 0).toBe(true);
  });
});
