/**
 * Profiles itself: opens an inspector session on this worker's own isolate
 * (node:inspector's Session.connect() attaches to the current thread), starts
 * V8's sampling CPU profiler, runs a workload with a known shape and sends
 * the profile back. The lab writes it as a .cpuprofile that Chrome DevTools
 * (Performance panel, "Load profile") or VS Code opens.
 *
 * The workload calls three functions of the same body with work in the
 * ratio 6 : 3 : 1, so the profile has a known answer: self time should rank
 * hotLoop, warmLoop, coolLoop, near 60 %, 30 %, 10 % of their sum.
 * `serveProfiler(WORK)` is the whole of profile.worker.ts; the work units
 * are the seam the lab's fault test uses (the ratio reversed).
 */
import type { Session } from 'node:inspector';
import { parentPort } from 'node:worker_threads';
import type { CpuProfile, ProfileReply, ProfileRequest } from './messages.js';

/** Work units per round of hotLoop, warmLoop, coolLoop. */
export const WORK: readonly [number, number, number] = [6, 3, 1];

// Three copies rather than one function with a parameter: the profiler
// attributes time to functions, so the shares must live in separate ones.
function hotLoop(n: number, seed: number): number {
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}
function warmLoop(n: number, seed: number): number {
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}
function coolLoop(n: number, seed: number): number {
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}

/** Rounds of hot : warm : cool work until durationMs has passed; returns the number of rounds. */
function workload(durationMs: number, [hot, warm, cool]: readonly [number, number, number]): number {
  let rounds = 0;
  const unit = 20_000;
  let acc = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    acc ^= hotLoop(hot * unit, acc);
    acc ^= warmLoop(warm * unit, acc);
    acc ^= coolLoop(cool * unit, acc);
    rounds++;
  }
  // Keep acc alive so the loops cannot be optimised away.
  if (acc === 0.5) console.log(acc);
  return rounds;
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))),
  );
}

async function profile(m: ProfileRequest, work: readonly [number, number, number]): Promise<ProfileReply> {
  // Loaded here, not at the top: a Node built without the inspector throws on
  // import, and the lab should hear 'unavailable', not see the worker die.
  let inspector: typeof import('node:inspector');
  try {
    inspector = await import('node:inspector');
  } catch (e) {
    return { type: 'unavailable', message: (e as Error).message };
  }
  const session = new inspector.Session();
  session.connect();
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: m.intervalUs });
    await post(session, 'Profiler.start');
    const rounds = workload(m.durationMs, work);
    const { profile } = await post<{ profile: CpuProfile }>(session, 'Profiler.stop');
    return { type: 'profile', profile, rounds };
  } finally {
    session.disconnect();
  }
}

/** Answers each ProfileRequest with the profile of a workload of these units. */
export function serveProfiler(work: readonly [number, number, number]): void {
  const port = parentPort;
  if (!port) throw new Error('profile.worker.ts must run as a worker thread');
  port.on('message', (m: ProfileRequest) => {
    profile(m, work).then(
      (r) => port.postMessage(r),
      (e: unknown) => port.postMessage({ type: 'error', message: (e as Error).message } satisfies ProfileReply),
    );
  });
}
