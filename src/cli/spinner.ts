/** The progress spinner: ora on stderr, only when asked for (a TTY, colour allowed, not --json). */
export interface Spinner {
  update(text: string, fraction?: number): void;
  stop(): void;
}

/** A spinner needs a terminal with a width: ora loops forever clearing lines on a 0-column pty. */
export async function startSpinner(enabled: boolean, prefix: string): Promise<Spinner> {
  if (!enabled || (process.stderr.columns ?? 0) <= 0) return { update: () => {}, stop: () => {} };
  const { default: ora } = await import('ora');
  const s = ora({ stream: process.stderr, text: prefix, discardStdin: false }).start();
  return {
    update: (text, fraction) => {
      s.text = `${prefix} · ${text}${fraction === undefined ? '' : ` ${Math.round(fraction * 100)}%`}`;
    },
    stop: () => s.stop(),
  };
}
