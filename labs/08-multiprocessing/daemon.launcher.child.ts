/**
 * Starts the daemon the way a daemon is started: a process in a session of
 * its own (setsid, Node's `detached: true`), no terminal, stdio to nowhere,
 * not waited for (unref). It writes the daemon's pid file at once, tells the
 * lab both pids, and exits: the daemon lives on, adopted by init.
 *
 *   node daemon.launcher.child.js <pidFile> <lifeMs>
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { epochNow, type Launched } from './messages.js';

const [pidFile, lifeMs] = [process.argv[2] as string, process.argv[3] as string];
// A SIGTERM from the lab's cleanup waits until the pid file is written (handlers run between
// synchronous steps), so the daemon can always be found and stopped.
process.on('SIGTERM', () => process.exit(0));

const daemon = spawn(process.execPath, [fileURLToPath(new URL('./daemon.js', import.meta.url)), pidFile, lifeMs], {
  detached: true,
  stdio: 'ignore',
  env: process.env,
});
writeFileSync(pidFile, `${daemon.pid}\n`);
daemon.unref();
process.send?.({ type: 'launched', launcher: process.pid, daemon: daemon.pid ?? -1, at: epochNow() } satisfies Launched, () => process.exit(0));
