/**
 * The book's benchmark: is-prime over the numbers on every executor, the
 * thread and process pools with one worker per core. Every executor must find
 * the same primes (and trial division must agree with Miller-Rabin); the
 * table shows what each gains over the lab's own thread.
 */
import { readFileSync } from 'node:fs';
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { task, type Executor, type ExecutorKind } from '../../src/executors/index.js';
import { BUSY_MACHINE_CORES } from '../../src/measure/contention.js';
import { ratioOfMedians } from '../../src/measure/stats.js';
import { PRIMES_URL, WARM_PRIME, isPrimeMillerRabin, primesOf } from '../../src/workloads/primes.js';
import { utilization } from './analysis.js';
import { LABEL, runsFor, timeRounds, warm, type Batch, type MakeExecutor, type RoundsBatch } from './executors.js';

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
  /** What each executor's runs measured. */
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
  const speedup: BenchmarkResult['speedup'] = {};
  const batches: BenchmarkResult['batches'] = {};
  const exs = new Map<ExecutorKind, Executor>();
  let measured: Map<string, RoundsBatch<boolean>>;
  try {
    for (const kind of kinds) {
      ctx.progress(`benchmark: starting the ${LABEL[kind]}`);
      const ex = await o.make(kind, kind === 'sequential' ? 1 : o.size);
      exs.set(kind, ex);
      // Pools start their workers and load the module first; a worker per task pays that every time, which is its point.
      if (kind !== 'worker-per-task') await warm(ex, task(url, 'isPrime', WARM_PRIME));
    }
    measured = await timeRounds<boolean>(
      ctx,
      kinds.map((kind) => ({ key: kind, ex: exs.get(kind) as Executor, runs: runsFor(ctx, exs.get(kind) as Executor) })),
      tasks,
    );
  } finally {
    for (const ex of exs.values()) await ex.shutdown();
  }
  const sequential = measured.get(kinds[0] as ExecutorKind)?.walls ?? [];
  let othersSum = 0;
  let othersN = 0;
  for (const kind of kinds) {
    const b = measured.get(kind) as RoundsBatch<boolean>;
    const size = exs.get(kind)?.size ?? 1;
    verdicts.set(kind, b.values);
    batches[kind] = b;
    const m = ctx.metric({ name: 'primes batch', unit: 'ms', better: 'lower', variant: { executor: kind, workers: size }, samples: b.walls });
    const sp = ratioOfMedians(sequential, b.walls);
    speedup[kind] = sp.ratio;
    if (b.others !== null) {
      othersSum += b.others;
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
      `${ctx.repeat === 1 ? 'one run each' : `median of ${ctx.repeat} runs${ctx.quick ? ' (worker per task: 1)' : ''} (95% CI in parentheses), in interleaved rounds`}; ` +
      'speedup over sequential, efficiency = speedup / workers; busy = time the workers spent inside tasks / (wall x workers), ' +
      "from the tasks' own start and end times" +
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
