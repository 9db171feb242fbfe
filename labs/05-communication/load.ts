/**
 * Others' load over a stretch of measurement: CPU time the whole machine
 * spent busy (/proc/stat) less this process's own (every endpoint worker is a
 * thread of it), over the wall time, in cores. It is measured outside the
 * lab's own threads, so it may excuse a missed timing check; nothing the lab
 * does wrong can raise it.
 */
import { machineBusyMs, othersCores } from '../../src/measure/contention.js';

export interface LoadWindow {
  /** Cores' worth of CPU other processes used since the window opened; null without /proc/stat. */
  end(): number | null;
}

export type LoadMeter = () => LoadWindow;

export const othersLoad: LoadMeter = () => {
  const busy0 = machineBusyMs();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  return {
    end() {
      const busy1 = machineBusyMs();
      if (busy0 === null || busy1 === null) return null;
      const own = process.cpuUsage(cpu0);
      return othersCores(busy1 - busy0, (own.user + own.system) / 1000, performance.now() - wall0);
    },
  };
};
