/**
 * Progress on stderr while a lab runs: an ora spinner on a terminal (colour
 * allowed, not --json), and otherwise, so that a CI log shows life during a
 * long lab, a plain line when the lab moves to a new phase, at most one every
 * PHASE_GAP_MS, and a "still running" line after HEARTBEAT_MS without one. A lab
 * that ends within the first gap prints nothing.
 */
export interface Spinner {
  update(text: string, fraction?: number): void;
  stop(): void;
}

export const PHASE_GAP_MS = 5_000;
export const HEARTBEAT_MS = 15_000;

const NONE: Spinner = { update: () => {}, stop: () => {} };

/**
 * A spinner needs a terminal with a width: ora loops forever clearing lines on a
 * 0-column pty. `plain` asks for the line-per-phase form where no spinner runs.
 */
export async function startSpinner(enabled: boolean, prefix: string, opts: { plain?: boolean } = {}): Promise<Spinner> {
  if (enabled && (process.stderr.columns ?? 0) > 0) {
    const { default: ora } = await import('ora');
    const s = ora({ stream: process.stderr, text: prefix, discardStdin: false }).start();
    return {
      update: (text, fraction) => {
        s.text = `${prefix} · ${text}${fraction === undefined ? '' : ` ${Math.round(fraction * 100)}%`}`;
      },
      stop: () => s.stop(),
    };
  }
  return opts.plain ? progressLines(prefix, (line) => process.stderr.write(line + '\n')) : NONE;
}

/**
 * The line-per-phase form. A phase is the progress text without its counters
 * (digits), so "run 3 of 10" and "run 4 of 10" are one phase; the fraction is
 * not printed. `now` and the timer are injectable for tests.
 */
export function progressLines(
  prefix: string,
  write: (line: string) => void,
  clock: { now: () => number; every: (ms: number, fn: () => void) => () => void } = realClock,
): Spinner {
  const t0 = clock.now();
  let lastLine = t0; // nothing before the first gap
  let text = '';
  let printedPhase = '';
  const phaseOf = (t: string): string => t.replace(/\d[\d,.]*/g, '#');
  const line = (what: string): void => {
    const now = clock.now();
    lastLine = now;
    write(`conc: ${prefix} · ${Math.round((now - t0) / 1000)} s · ${what}`);
  };
  const stopTimer = clock.every(1_000, () => {
    const now = clock.now();
    if (text && phaseOf(text) !== printedPhase && now - lastLine >= PHASE_GAP_MS) {
      printedPhase = phaseOf(text);
      line(text);
    } else if (now - lastLine >= HEARTBEAT_MS) line(`still running${text ? `: ${text}` : ''}`);
  });
  return {
    update: (t) => {
      if (t === 'done') return;
      text = t;
    },
    stop: stopTimer,
  };
}

const realClock = {
  now: () => Date.now(),
  every: (ms: number, fn: () => void): (() => void) => {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};
