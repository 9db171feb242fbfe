/**
 * Output fits the terminal (issue 14), for what is not a lab's report (those
 * are held to 80 and 120 columns in every lab test, through runLab): every
 * lab's --help, `conc --help`, `conc lab --help`, `conc lab all --help`,
 * `conc compare --help`, `conc list`, and the summary of a real `conc lab all`
 * run, each at 80 and 120 columns (COLUMNS stands for the terminal's width);
 * without a terminal nothing is wrapped (test/render/box.test.ts).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, TERMINAL_WIDTHS, runCli } from '../helpers/run-lab.js';

const { displayWidth } = (await import(path.join(ROOT, 'dist/src/render/format.js'))) as typeof import('../../src/render/format.js');
const { loadRegistry } = (await import(path.join(ROOT, 'dist/src/core/registry.js'))) as typeof import('../../src/core/registry.js');
const FIX = path.join(ROOT, 'test/fixtures/labs');

const tooWide = (out: string, w: number): string[] => out.split('\n').filter((l) => displayWidth(l) > w);
const reg = await loadRegistry();

describe('help and lists fit the terminal', () => {
  const commands: string[][] = [['--help'], ['lab', '--help'], ['lab', 'all', '--help'], ['compare', '--help'], ['list'], ...reg.labs.map((l) => ['lab', String(l.id), '--help'])];
  for (const w of TERMINAL_WIDTHS) {
    it(`${commands.length} outputs at ${w} columns: no line wider`, async () => {
      const results = await Promise.all(commands.map((args) => runCli(args, { env: { COLUMNS: String(w) } })));
      results.forEach((r, i) => {
        const args = (commands[i] as string[]).join(' ');
        expect(r.code, `${args}: ${r.stderr}`).toBe(0);
        expect(r.stdout.length, args).toBeGreaterThan(100);
        expect(tooWide(r.stdout, w), `conc ${args}`).toEqual([]);
      });
    });
  }
});

describe('conc lab all: the summary fits', () => {
  for (const w of TERMINAL_WIDTHS) {
    it(`at ${w} columns (fixture labs: one passes, one throws, one hangs into its timeout, one is broken)`, async () => {
      const r = await runCli(['lab', 'all', '--quick', '--timeout', '1'], { env: { CONC_LABS_DIR: FIX, COLUMNS: String(w) }, timeoutMs: 30_000 });
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/lab all|labs/);
      expect(tooWide(r.stdout, w)).toEqual([]);
      expect(tooWide(r.stderr, w)).toEqual([]);
    });
  }
});
