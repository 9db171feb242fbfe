/**
 * SIGINT/SIGTERM while a lab runs: the first one aborts the lab (its host
 * kills what it started, the report says "interrupted", exit 130); a second
 * one leaves at once, through the hard exit (process.exit would wait for a
 * thread stuck in native code; the exit hook in hosts/run-lab.ts still kills
 * children).
 */
import { EXIT } from '../core/errors.js';
import { hardExit } from '../hosts/hard-exit.js';

export function installSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let count = 0;
  const handler = (sig: NodeJS.Signals): void => {
    count++;
    if (count === 1) {
      process.stderr.write(`\nconc: ${sig}: stopping the lab…\n`);
      controller.abort(new Error(sig));
    } else {
      process.emit('exit', EXIT.interrupted); // the hosts' exit hook kills what the lab started
      void hardExit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
