import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-lab.js';
import { readFreshManifest, writeManifest } from '../../src/core/manifest.js';

const FIX = path.join(ROOT, 'test/fixtures/labs');
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function copyLabs(...folders: string[]): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'conc-manifest-'));
  for (const f of folders) cpSync(path.join(FIX, f), path.join(dir, f), { recursive: true });
  return dir;
}

describe('lab manifest', () => {
  it('describes the labs it was written for, and is used while they are unchanged', async () => {
    copyLabs('01-passes', '02-throws');
    const m = await writeManifest(dir);
    expect(m.labs.map((l) => [l.id, l.slug, l.host])).toEqual([
      [1, 'passes', 'worker'],
      [2, 'throws', 'worker'],
    ]);
    expect(readFreshManifest(dir)?.labs.map((l) => l.summary)).toEqual(['measures a tiny loop', 'throws']);
  });

  it('is stale when a lab.js changes, a lab folder appears, or the file is not a manifest', async () => {
    copyLabs('01-passes', '02-throws');
    await writeManifest(dir);
    appendFileSync(path.join(dir, '02-throws/lab.js'), '\n// edited\n');
    expect(readFreshManifest(dir)).toBeNull();

    await writeManifest(dir);
    cpSync(path.join(FIX, '03-hangs'), path.join(dir, '03-hangs'), { recursive: true });
    expect(readFreshManifest(dir)).toBeNull();

    writeFileSync(path.join(dir, 'manifest.json'), '{"schema":"other"}');
    expect(readFreshManifest(dir)).toBeNull();
  });

  it('is never used while a lab is broken, so the problem is reported again', async () => {
    copyLabs('01-passes', '04-broken');
    const m = await writeManifest(dir);
    expect(m.broken.map((b) => b.slug)).toEqual(['broken']);
    expect(readFreshManifest(dir)).toBeNull();
  });
});
