/**
 * The daemon: it keeps its pid file, wakes up now and then, and on SIGTERM
 * removes its pid file and exits 0. It outlives the process that started it,
 * and it is nobody's child any more, so the lab finds it by its pid file.
 * As a last resort it ends itself after lifeMs, so that no failure anywhere
 * leaves it running for good.
 *
 *   node daemon.js <pidFile> <lifeMs>
 */
import { rmSync, writeFileSync } from 'node:fs';

const [pidFile, lifeMs] = [process.argv[2] as string, Number(process.argv[3])];
writeFileSync(pidFile, `${process.pid}\n`);
const stop = (): void => {
  rmSync(pidFile, { force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 1000);
setTimeout(stop, lifeMs);
