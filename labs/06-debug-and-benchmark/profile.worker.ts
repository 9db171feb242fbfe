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
 */
import type { Session } from 'node:inspector';
import { parentPort } from 'node:worker_threads';
import type { CpuProfile, ProfileReply, ProfileRequest } from './messages.js';

const port = parentPort;
if (!port) throw new Error('profile.worker.ts must run as a worker thread');

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

/** Rounds of 6 : 3 : 1 work until durationMs has passed; returns the number of rounds. */
function workload(durationMs: number): number {
  let rounds = 0;
  const unit = 20_000;
  let acc = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    acc ^= hotLoop(6 * unit, acc);
    acc ^= warmLoop(3 * unit, acc);
    acc ^= coolLoop(unit, acc);
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

async function profile(m: ProfileRequest): Promise<ProfileReply> {
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
    const rounds = workload(m.durationMs);
    const { profile } = await post<{ profile: CpuProfile }>(session, 'Profiler.stop');
    return { type: 'profile', profile, rounds };
  } finally {
    session.disconnect();
  }
}

port.on('message', (m: ProfileRequest) => {
  profile(m).then(
    (r) => port.postMessage(r),
    (e: unknown) => port.postMessage({ type: 'error', message: (e as Error).message } satisfies ProfileReply),
  );
});
