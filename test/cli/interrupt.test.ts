/**
 * Every lab, as a user runs it: Ctrl-C at a random moment (seeded) exits 130,
 * and `--timeout 1` exits 3 within 2 s of the lab's start (the CLI's own
 * start-up, measured just before with `conc --version`, is not the lab's:
 * on a loaded machine it alone can take most of a second); in both cases no
 * process the run started survives it. The labs come from the build's registry, so a new lab
 * is covered as soon as it exists.
 *
 * CONC_INTERRUPT_SEED picks other moments (default 1).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-lab.js';
import { survivors, watchTree } from '../helpers/proc.js';

type RegMod = typeof import('../../src/core/registry.js');
type RngMod = typeof import('../../src/core/rng.js');
const { loadRegistry } = (await import(path.join(ROOT, 'dist/src/core/registry.js'))) as RegMod;
const { createRng } = (await import(path.join(ROOT, 'dist/src/core/rng.js'))) as RngMod;

const reg = await loadRegistry(path.join(ROOT, 'dist/labs'));
const seed = Number(process.env.CONC_INTERRUPT_SEED ?? 1);
const rng = createRng(seed);
const labs = reg.labs.map((l) => ({ id: l.lab.id, slug: l.lab.slug, sigintAt: rng.int(150, 1500) }));

describe('every lab stops cleanly', () => {
  it('finds the labs', () => {
    expect(reg.broken).toEqual([]);
    expect(labs.length).toBeGreaterThanOrEqual(6);
  });

  describe.each(labs)('lab $id ($slug)', ({ id, sigintAt }) => {
    it(`exits 130 on SIGINT at ${sigintAt} ms (seed ${seed}), leaving no process behind`, async () => {
      let watch: { stop(): number[] } | undefined;
      const r = await runCli(['lab', String(id)], {
        timeoutMs: 20_000,
        onSpawn: (pid) => {
          watch = watchTree(pid);
          setTimeout(() => process.kill(pid, 'SIGINT'), sigintAt);
        },
      });
      const seen = watch?.stop() ?? [];
      // 130 from conc's own handler; on a machine so slow that the signal lands before
      // bin/conc.js has run a line, Node's default ends it by SIGINT, which a shell also
      // reports as 130 (and nothing has been started then).
      const shellStatus = r.code ?? (r.signal === 'SIGINT' ? 130 : null);
      expect({ status: shellStatus, stderr: r.stderr.slice(-300) }).toMatchObject({ status: 130 });
      expect(await survivors(seen)).toEqual([]);
    });

    it('exits 3 within 2 s with --timeout 1, leaving no process behind', async () => {
      const startup = (await runCli(['--version'])).ms;
      let watch: { stop(): number[] } | undefined;
      const r = await runCli(['lab', String(id), '--timeout', '1'], { timeoutMs: 20_000, onSpawn: (pid) => (watch = watchTree(pid)) });
      const seen = watch?.stop() ?? [];
      expect({ code: r.code, stderr: r.stderr.slice(-300) }).toMatchObject({ code: 3 });
      expect(r.ms - startup, `${r.ms} ms in all, ${startup} ms of it the CLI's start-up`).toBeLessThan(2000);
      expect(await survivors(seen)).toEqual([]);
    });
  });
});
