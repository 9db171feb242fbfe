/**
 * The book's benchmark: is-prime over the numbers on every executor, the
 * thread and process pools with one worker per core. Every executor must find
 * the same primes (and trial division must agree with Miller-Rabin); the
 * table shows what each gains over the lab's own thread.
 */
import { readFileSync } from 'node:fs';
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { task, type ExecutorKind } from '../../src/executors/index.js';
import { BUSY_MACHINE_CORES, machineBusyMs, othersCores } from '../../src/measure/contention.js';
import { ratioOfMedians } from '../../src/measure/stats.js';
import { PRIMES_URL, WARM_PRIME, isPrimeMillerRabin, primesOf } from '../../src/workloads/primes.js';
import { utilization } from './analysis.js';
import { LABEL, runsFor, timeBatch, warm, type Batch, type MakeExecutor } from './executors.js';

export interface BenchmarkOptions {
  numbers: readonly number[];
  /** Workers of each pool (the cores). */
  size: number;
  make: MakeExecutor;
  /** The module whose isPrime the tasks call (the seam for the Miller-Rabin check's fault test). */
  workload?: URL;
  kinds?: readonly ExecutorKind[];
}

export interface BenchmarkResult {
  /** Wall times of the whole batch on the lab's thread, ms. */
  sequential: number[];
  /** Median speedup over sequential, per executor kind. */
  speedup: Partial<Record<ExecutorKind, number>>;
  /** What each executor's runs measured (the pool-size sweep reuses them for its own size). */
  batches: Partial<Record<ExecutorKind, Batch<boolean>>>;
  size: number;
  primes: number[];
}

/** Is Linux's autogroup scheduling on (CPU shared per session rather than per thread under load)? */
function autogroup(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

const KINDS: readonly ExecutorKind[] = ['sequential', 'threads', 'processes', 'worker-per-task'];

export async function benchmark(ctx: LabContext<unknown>, o: BenchmarkOptions): Promise<BenchmarkResult> {
  const url = o.workload ?? PRIMES_URL;
  const tasks = o.numbers.map((n) => task(url, 'isPrime', n));
  const kinds = o.kinds ?? KINDS;
  const verdicts = new Map<ExecutorKind, boolean[]>();
  const rows: Record<string, Cell>[] = [];
  let sequential: number[] = [];
  const speedup: BenchmarkResult['speedup'] = {};
  const batches: BenchmarkResult['batches'] = {};
  let othersSum = 0;
  let othersN = 0;
  for (const [i, kind] of kinds.entries()) {
    ctx.progress(`benchmark: ${LABEL[kind]}`, i / kinds.length);
    const size = kind === 'sequential' ? 1 : o.size;
    const ex = await o.make(kind, size);
    try {
      // Pools start their workers and load the module first; a worker per task pays that every time, which is its point.
      if (kind !== 'worker-per-task') await warm(ex, task(url, 'isPrime', WARM_PRIME));
      const busy0 = machineBusyMs();
      const cpu0 = process.cpuUsage();
      const b = await timeBatch<boolean>(ctx, ex, tasks, runsFor(ctx, ex));
      const busy1 = machineBusyMs();
      const cpu = process.cpuUsage(cpu0);
      verdicts.set(kind, b.values);
      batches[kind] = b;
      if (kind === 'sequential') sequential = b.walls;
      const m = ctx.metric({ name: 'primes batch', unit: 'ms', better: 'lower', variant: { executor: kind, workers: size }, samples: b.walls });
      const sp = ratioOfMedians(sequential, b.walls);
      speedup[kind] = sp.ratio;
      const wall = b.walls.reduce((a, x) => a + x, 0);
      // Others' load: the machine's busy time less ours (this process's threads, and the children's task time).
      const childMs = kind === 'processes' ? b.runs.reduce((a, r) => a + (r.end - r.start), 0) * b.walls.length : 0;
      const others = busy0 === null || busy1 === null ? null : othersCores(busy1 - busy0, (cpu.user + cpu.system) / 1000 + childMs, wall);
      if (others !== null) {
        othersSum += others;
        othersN++;
      }
      rows.push({
        executor: LABEL[kind],
        workers: size,
        wall: { value: m.median, low: m.ci.low, high: m.ci.high },
        speedup: { value: sp.ratio, low: sp.low, high: sp.high },
        efficiency: (100 * sp.ratio) / size,
        busy: 100 * utilization(b.runs, b.walls[b.walls.length - 1] ?? NaN, size),
      });
    } finally {
      await ex.shutdown();
    }
  }
  ctx.table({
    title: `Is it prime? ${o.numbers.length} numbers by trial division, on each executor`,
    columns: [
      { key: 'executor', label: 'executor', align: 'left' },
      { key: 'workers', label: 'workers' },
      { key: 'wall', label: 'wall', unit: 'ms' },
      { key: 'speedup', label: 'speedup', unit: 'x' },
      { key: 'efficiency', label: 'efficiency', unit: '%' },
      { key: 'busy', label: 'busy', unit: '%' },
    ],
    rows,
    note:
      `${ctx.repeat === 1 ? 'one run each' : `median of ${ctx.repeat} runs${ctx.quick ? ' (worker per task: 1)' : ''} [95% CI]`}; speedup over sequential, efficiency = speedup / workers; busy = time the workers ` +
      `spent inside tasks / (wall x workers), from the tasks' own start and end times` +
      (othersN ? `; other processes used ${(othersSum / othersN).toFixed(1)} cores meanwhile` : ''),
  });

  const others = othersN ? othersSum / othersN : 0;
  if (others >= BUSY_MACHINE_CORES && autogroup())
    ctx.note(
      `Other processes used ${others.toFixed(1)} cores during these runs, and Linux's autogroup scheduling is on here: ` +
        'the CPU is shared equally between sessions, not threads. Each child of the process pool has a session of its ' +
        "own (conc starts children that way, to stop each as a group), while the thread pool's threads share the lab's " +
        'one session: on a busy machine that alone can make the processes faster than the threads.',
    );

  const base = verdicts.get(kinds[0] as ExecutorKind) ?? [];
  const differ = [...verdicts].filter(([, v]) => v.length !== base.length || v.some((x, j) => x !== base[j])).map(([k]) => k);
  ctx.check(
    'every executor finds the same primes',
    differ.length === 0 && base.length === o.numbers.length,
    differ.length ? `${differ.join(', ')} differ from ${kinds[0]}` : `${verdicts.size} executors, ${o.numbers.length} numbers`,
  );
  const wrong = o.numbers.filter((n, j) => base[j] !== isPrimeMillerRabin(n));
  ctx.check(
    'trial division agrees with Miller-Rabin',
    wrong.length === 0 && base.length === o.numbers.length,
    wrong.length ? `${wrong.length} differ, first ${wrong[0]}` : `${o.numbers.length} numbers`,
  );
  const primes = primesOf(o.numbers, base);
  ctx.output('primes', primes);
  return { sequential, speedup, primes, batches, size: o.size };
}
