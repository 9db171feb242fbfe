/** The progress spinner: ora on stderr, only when asked for (a TTY, colour allowed, not --json). */
export interface Spinner {
  update(text: string, fraction?: number): void;
  stop(): void;
}

export async function startSpinner(enabled: boolean, prefix: string): Promise<Spinner> {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const { default: ora } = await import('ora');
  const s = ora({ stream: process.stderr, text: prefix, discardStdin: false }).start();
  return {
    update: (text, fraction) => {
      s.text = `${prefix} · ${text}${fraction === undefined ? '' : ` ${Math.round(fraction * 100)}%`}`;
    },
    stop: () => s.stop(),
  };
}
