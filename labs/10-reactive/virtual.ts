/**
 * Virtual time with rxjs's TestScheduler. Inside `run()` every rxjs
 * scheduler (async, asap, animation frame) and the operators built on them
 * (interval, timer, delay, throttleTime, ...) use virtual frames of 1 ms, so a
 * pipeline with timing runs at once and the same way every time. Native
 * promises are not virtual: nothing run under it awaits one.
 *
 * The labs still pass the scheduler to every time-based operator
 * (interval(4, scheduler), bufferTime(10, scheduler), ...): in rxjs 7.8.2
 * run mode's own stand-ins for setInterval throw "Expected a due immediate
 * or interval" when an interval is cleared in the frame its tick is due
 * (interval(4).pipe(take(5), bufferTime(10)): the source completes at frame
 * 20, when bufferTime's interval fires). Passed explicitly, the
 * TestScheduler runs the work itself, in the same virtual frames.
 *
 * `record` subscribes to an observable at a virtual frame and writes down
 * every notification with the frame it came at: `{frame, notification}`, the
 * shape rxjs's own parseMarbles returns.
 */
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';

export interface Note {
  kind: 'N' | 'E' | 'C';
  value?: unknown;
  error?: unknown;
}

export interface Recorded {
  frame: number;
  notification: Note;
}

export type Testing = typeof import('rxjs/testing');

/** rxjs/testing, loaded when a lab runs (never at start-up). */
export async function loadTesting(): Promise<{ testing: Testing; fresh: () => TestScheduler }> {
  const testing = await import('rxjs/testing');
  // A new scheduler for each run(): virtual time does not go back to frame 0
  // between two runs of one scheduler. The assertion is never used: the labs
  // compare recordings themselves.
  return { testing, fresh: () => new testing.TestScheduler(() => {}) };
}

/** Call inside scheduler.run(): subscribe at virtual frame `at` and record what arrives. */
export function record<T>(scheduler: TestScheduler, obs$: Observable<T>, at = 0): Recorded[] {
  const out: Recorded[] = [];
  const subscribe = (): void => {
    obs$.subscribe({
      next: (value) => out.push({ frame: scheduler.now(), notification: { kind: 'N', value } }),
      error: (error: unknown) => out.push({ frame: scheduler.now(), notification: { kind: 'E', error } }),
      complete: () => out.push({ frame: scheduler.now(), notification: { kind: 'C' } }),
    });
  };
  if (at === 0) subscribe();
  else scheduler.schedule(subscribe, at);
  return out;
}

/** The values of a recording, in order. */
export const valuesOf = (r: readonly Recorded[]): unknown[] => r.filter((m) => m.notification.kind === 'N').map((m) => m.notification.value);
