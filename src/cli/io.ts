/** Output helpers of the CLI: atomic report files, and checking --out early. */
import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';

/** Refuse an --out target before any work is done: its directory must exist and be writable. */
export function checkOutPath(file: string): string {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`--out ${file}: directory ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new UsageError(`--out ${file}: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--out ${file}: directory ${dir} is not writable`);
  }
  try {
    if (statSync(abs).isDirectory()) throw new UsageError(`--out ${file}: is a directory`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
  }
  return abs;
}

/** Write via a temp file in the same directory and rename, so a reader never sees half a file. */
export function writeAtomic(file: string, content: string): void {
  const abs = path.resolve(file);
  const tmp = path.join(path.dirname(abs), `.conc-tmp-${process.pid}-${Date.now()}-${path.basename(abs)}`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`--out ${file}: ${(e as Error).message}`);
  }
}

