/**
 * Sampling: warm-up runs, then at least `repeat` timed runs and at least
 * `minTimeMs` of sampling, timed with process.hrtime.bigint(). CPU time comes
 * from process.cpuUsage(), which counts every thread of this process (so a
 * run that keeps two workers busy shows about twice its wall time).
 */
export interface SampleConfig {
  warmup: number;
  repeat: number;
  minTimeMs?: number;
  maxTimeMs?: number;
  signal?: AbortSignal;
}

export interface SampleResult {
  wall: number[];
  cpu: number[];
}

/**
 * One turn of the event loop, between runs and outside the timed part: with a
 * synchronous fn, `await fn()` alone never lets the loop turn, so a timeout
 * or Ctrl-C (an abort delivered as a message) would wait for every sample.
 */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function sample(fn: () => unknown, cfg: SampleConfig): Promise<SampleResult> {
  const { warmup, repeat } = cfg;
  const minTime = cfg.minTimeMs ?? 0;
  const maxTime = cfg.maxTimeMs ?? 30_000;
  for (let i = 0; i < warmup; i++) {
    await turn();
    cfg.signal?.throwIfAborted();
    await fn();
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  const start = process.hrtime.bigint();
  for (;;) {
    await turn();
    cfg.signal?.throwIfAborted();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    const t1 = process.hrtime.bigint();
    const c = process.cpuUsage(c0);
    wall.push(Number(t1 - t0) / 1e6);
    cpu.push((c.user + c.system) / 1000);
    const elapsed = Number(t1 - start) / 1e6;
    if (wall.length >= repeat && elapsed >= minTime) break;
    if (elapsed >= maxTime) break;
  }
  return { wall, cpu };
}

/** Wall-clock ms since t0 (a process.hrtime.bigint() value). */
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
