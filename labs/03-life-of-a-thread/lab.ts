import { defineLab } from '../../src/core/lab.js';
import { median } from '../../src/measure/stats.js';
import * as L from './lifecycle.js';
import { THROWN_MESSAGE } from './messages.js';
import { BUSY_SHARE, calibrateIterations, isQuiet, runPool, usableRounds, waveTolerance, waveVerdict, type PoolRow } from './pool.js';
import { startupSamples } from './startup.js';
import { eventTable, poolTable, startupTable, threadTable, unrefTable } from './tables.js';
import { countThreads, hasProcTasks } from './threads.js';

export default defineLab({
  id: 3,
  slug: 'life-of-a-thread',
  title: 'Life of a thread',
  summary: 'worker lifecycles on a timeline, OS threads per worker, libuv pool waves, thread vs process start-up',
  chapter:
    'A thread is created, comes online, works, and exits: normally, by throwing, by being terminated or by running out of memory. ' +
    'Each worker is one OS thread of its process, while libuv keeps its own fixed pool of threads for crypto and fs, ' +
    'so k calls complete in waves of UV_THREADPOOL_SIZE. Threads start several times faster than processes.',
  // /proc/self/task must be the lab's own process, not the CLI's; pool sizes need child processes anyway.
  host: 'process',
  hosts: ['process'],
  options: {
    threads: { type: 'integer', default: 4, min: 1, max: 64, help: 'workers started (then stopped) while counting OS threads' },
    poolSizes: {
      type: 'list',
      default: [1, 2, 4, 8],
      min: 1,
      max: 128,
      minItems: 1,
      maxItems: 8,
      help: 'UV_THREADPOOL_SIZE values, one child process each',
    },
    tasks: { type: 'integer', default: 8, min: 1, max: 128, help: 'concurrent pbkdf2 calls k per pool size' },
    callMs: { type: 'duration', default: 100, min: 20, max: 2000, help: 'target time of one pbkdf2 call (iterations calibrated to it)' },
    rounds: { type: 'integer', default: 3, min: 1, max: 20, help: 'runs of each pool size' },
    lifetime: { type: 'duration', default: 3000, min: 200, max: 60000, help: "how long the terminated and unref'd workers would run" },
  },
  quick: { callMs: 50, rounds: 1, lifetime: 600 },
  repeat: { default: 15, quick: 5 },
  warmup: { default: 1, quick: 1 },
  timeout: 180,
  async run(ctx) {
    const o = ctx.options;
    const cores = ctx.machine.effectiveCores;
    const wait = 30_000; // the bound on any one worker or child: far above what each should take
    const ms = (x: number): string => `${x.toFixed(1)} ms`;

    // 1. Lifecycles, one after another so that each lane's times are its own.
    const lives: L.Lifecycle[] = [];
    for (const s of L.scenarios(o.lifetime)) {
      ctx.progress(`lifecycle: ${s.lane}`);
      lives.push(await L.runWorkerLifecycle(ctx, s, wait));
    }
    // The parent lives on after the OOM: it holds more than the worker's whole heap and starts a fresh worker.
    const hoard = new Array<number>(4 * 1024 * 1024).fill(1.5); // 32 MiB of doubles
    const probe = await L.runWorkerLifecycle(ctx, { lane: 'probe', data: { mode: 'normal', workMs: 0 }, legal: [] }, wait);
    ctx.progress("lifecycle: unref'd worker in a child process");
    const unref = await L.runUnrefChild(ctx, "unref'd child", true, o.lifetime, wait);
    lives.push(unref);
    // The control keeps its worker ref'd, so it lives o.lifetime: it idles while the threads are counted.
    const control = L.runUnrefChild(ctx, "ref'd child", false, o.lifetime, o.lifetime + wait);
    control.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled

    const t0 = Math.min(...lives.map((l) => l.events[0]?.at ?? Infinity));
    ctx.chart(L.timelineOf(lives, t0));
    ctx.table(eventTable(lives, t0));
    const problems = lives.map(L.orderProblem).filter((p) => p !== null);
    ctx.check(
      'every lifecycle event arrives in a legal order',
      problems.length === 0,
      problems.length ? problems.join('; ') : lives.map((l) => `${l.lane}: ${l.legal.join(' < ')}`).join('; '),
    );
    ctx.output('event order', Object.fromEntries(lives.map((l) => [l.lane, l.events.map((e) => e.event).join(' < ')])));
    ctx.output('exit codes', Object.fromEntries(lives.map((l) => [l.lane, l.exitCode])));

    const ids = lives.map((l) => [L.find(l, 'created')?.threadId, L.find(l, 'first message')?.threadId]);
    ctx.check(
      'each worker sees the threadId its parent sees',
      ids.every(([a, b]) => typeof a === 'number' && a > 0 && a === b),
      `(worker.threadId, threadId inside): ${ids.map((p) => `(${p.join(', ')})`).join(' ')}`,
    );
    const [normal, thrown, killed, oom] = lives as [L.Lifecycle, L.Lifecycle, L.Lifecycle, L.Lifecycle];
    ctx.check('a normal worker ends by itself with exit code 0', normal.exitCode === 0 && !normal.error, `exit code ${normal.exitCode}`);
    const frame = L.frameNaming(thrown.error?.stack ?? '', 'lifecycle.worker.js');
    ctx.check(
      'a thrown error reaches the parent with a stack naming the worker file',
      thrown.error?.message === THROWN_MESSAGE && frame !== null && thrown.exitCode === 1,
      `message "${thrown.error?.message}"; frame: ${frame ?? 'none names lifecycle.worker.js'}; exit code ${thrown.exitCode}`,
    );
    const between = (l: L.Lifecycle, a: string, b: string): number => (L.find(l, b)?.at ?? NaN) - (L.find(l, a)?.at ?? NaN);
    const killMs = between(killed, 'terminate()', 'exit');
    ctx.check(
      'terminate() stops a busy worker mid-work with exit code 1',
      killed.exitCode === 1 && !L.find(killed, 'last message') && killMs < o.lifetime / 2,
      `exit code ${killed.exitCode}, ${ms(killMs)} after terminate() (must be < ${o.lifetime / 2} ms); ` +
        `its ${o.lifetime} ms of work never reported done`,
    );
    ctx.check(
      'the OOM worker reports ERR_WORKER_OUT_OF_MEMORY and the parent lives on',
      oom.error?.code === 'ERR_WORKER_OUT_OF_MEMORY' && oom.exitCode === 1 && probe.exitCode === 0 && hoard.length > 0,
      `${oom.error?.code ?? 'no error code'} ${ms(between(oom, 'created', 'error'))} after creation, exit code ${oom.exitCode}; ` +
        `then the parent held 32 MiB (twice the worker's limit) and a fresh worker ran and exited with ${probe.exitCode}`,
    );

    // 2. The kernel's view: OS threads of this, the lab's, process.
    if (!hasProcTasks()) {
      ctx.note('/proc/self/task is absent on this system: the OS thread count cannot be read.');
      ctx.skip('each worker is one OS thread', `no /proc/self/task on ${process.platform}`);
    } else {
      const steps = await countThreads(ctx, o.threads, wait);
      const base = steps[0]?.threads ?? NaN;
      ctx.chart({
        type: 'line',
        title: `OS threads of the lab process as ${o.threads} workers start, then stop`,
        xLabel: 'step',
        yLabel: 'OS threads',
        x: steps.map((_, i) => i),
        series: [
          { name: 'OS threads', values: steps.map((s) => s.threads) },
          { name: 'before + live workers', values: steps.map((s) => base + s.live) },
        ],
      });
      ctx.table(threadTable(steps, o.threads));
      const off = steps.filter((s) => s.threads - base !== s.live);
      ctx.check(
        'each worker is one OS thread',
        off.length === 0,
        off.length
          ? `off at ${off.map((s) => `${s.stage} (${s.threads - base} more threads for ${s.live} workers)`).join(', ')}`
          : `at all ${steps.length} steps, OS threads = ${base} + live workers, exactly`,
      );
    }

    const ctl = await control;
    // The worker sets its lifetime timer right after its hello: from the hello on, it had about o.lifetime to go.
    const lived = (l: L.Lifecycle, from: string): number => between(l, from, 'process exit');
    const unrefRows = [
      { name: "unref()'d", life: unref },
      { name: "ref'd (control)", life: ctl },
    ].map((r) => ({ ...r, afterCreated: lived(r.life, 'created'), afterHello: lived(r.life, 'first message') }));
    ctx.table(unrefTable(o.lifetime, unrefRows));
    ctx.check(
      "an unref()'d worker does not keep its process alive",
      unref.exitCode === 0 && lived(unref, 'first message') < o.lifetime / 2 && ctl.exitCode === 0 && lived(ctl, 'created') >= o.lifetime,
      `unref'd: the child exited ${ms(lived(unref, 'first message'))} after its worker's hello, with ~${o.lifetime} ms of the ` +
        `worker's life to go (must be < ${o.lifetime / 2}); control without unref(): it exited ${ms(lived(ctl, 'created'))} ` +
        `after creating the worker (must be >= ${o.lifetime})`,
    );

    // 3. The libuv pool: k pbkdf2 calls per pool size, each size in its own process.
    const iterations = calibrateIterations(o.callMs);
    const rows: PoolRow[] = [];
    for (const [i, n] of o.poolSizes.entries()) {
      const runs = [];
      for (let r = 0; r < o.rounds; r++) {
        ctx.progress(`libuv pool: size ${n}, round ${r + 1} of ${o.rounds}`, (i * o.rounds + r) / (o.poolSizes.length * o.rounds));
        runs.push(await runPool(ctx, n, o.tasks, iterations, wait + 10 * o.tasks * o.callMs));
      }
      const row: PoolRow = { poolSize: n, runs, expected: Math.ceil(o.tasks / n), tolerance: waveTolerance(n, cores, usableRounds(runs, n, o.tasks, cores).length) };
      rows.push(row);
      const variant = { pool: n, tasks: o.tasks, callMs: o.callMs };
      ctx.metric({ name: 'pbkdf2 batch', unit: 'ms', better: 'lower', variant, samples: runs.map((x) => x.doneMs) });
      const v = waveVerdict(row, o.tasks, cores);
      if (v.skip) ctx.skip(v.name, v.skip);
      else ctx.check(v.name, v.ok, v.detail);
    }
    ctx.output('expected waves', Object.fromEntries(rows.map((r) => [r.poolSize, r.expected])));
    ctx.chart({
      type: 'line',
      title: `${o.tasks} pbkdf2 calls queued at once: completion times (the steps are the waves)`,
      xLabel: 'call, by completion',
      yLabel: 'ms after queueing',
      x: Array.from({ length: o.tasks }, (_, i) => i + 1),
      series: rows.map((r) => ({ name: `pool ${r.poolSize}`, values: [...(r.runs[0]?.completions ?? [])].sort((a, b) => a - b) })),
    });
    ctx.table(poolTable(rows, o.tasks, iterations, o.callMs, cores));
    const busy = rows.flatMap((r) => r.runs).filter((x) => !isQuiet(x)).length;
    if (busy)
      ctx.note(
        `In ${busy} pool round(s) other processes used ${BUSY_SHARE * 100}% or more of the CPU: the pool threads did not have the ` +
          'cores, which blurs the waves. Those rounds are shown but not checked; run on an otherwise idle machine to check them.',
      );

    // 4. Thread against process start-up.
    const st = await startupSamples(ctx, ctx.warmup, ctx.repeat, wait);
    for (const kind of ['thread', 'process'] as const) {
      ctx.metric({ name: 'start-up', unit: 'ms', better: 'lower', variant: { kind }, samples: st[kind].start });
      ctx.metric({ name: 'start to exit', unit: 'ms', better: 'lower', variant: { kind }, samples: st[kind].total });
    }
    ctx.table(startupTable(st, ctx.repeat));
    const ratio = median(st.process.start) / median(st.thread.start);
    ctx.check(
      'a worker thread starts faster than a child process',
      ratio > 1,
      `medians to first message: thread ${ms(median(st.thread.start))}, process ${ms(median(st.process.start))} (${ratio.toFixed(2)}x)`,
    );
    ctx.headline('process vs thread start-up', Number(ratio.toFixed(2)), 'x');
  },
});
