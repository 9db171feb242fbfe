/**
 * Colour follows the conventions (issue 14), decided by chalk's own detection
 * plus NO_COLOR: off for a pipe, NO_COLOR, --no-color, --json and TERM=dumb;
 * FORCE_COLOR turns it on even into a pipe (and wins over NO_COLOR, as in
 * Node). The terminal cases run the real bin under `script`, a pty.
 * And progress: without a terminal, a lab longer than a few seconds writes
 * a line per phase to stderr, at most one every few seconds.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/run-lab.js';

const { HEARTBEAT_MS, PHASE_GAP_MS, progressLines } = (await import(path.join(ROOT, 'dist/src/cli/spinner.js'))) as typeof import('../../src/cli/spinner.js');
const LABS = path.join(ROOT, 'test/fixtures/labs');
const ESC = /\x1b\[/;

/** Run conc in a pseudo-terminal of 100 columns; returns what the terminal got. */
function inTerminal(args: string, env: Record<string, string>): string {
  const sh = `stty cols 100 2>/dev/null; ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} ${process.execPath} ${BIN} ${args}`;
  const clean: NodeJS.ProcessEnv = { ...process.env, CONC_LABS_DIR: LABS };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'CI', 'COLUMNS']) delete clean[k];
  const r = spawnSync('script', ['-qec', sh, '/dev/null'], { env: clean, encoding: 'utf8', timeout: 30_000 });
  expect(r.stdout).toContain('count is positive'); // the lab's output did reach the terminal
  return r.stdout;
}
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('colour', () => {
  it('into a pipe: none; with FORCE_COLOR: on, even with NO_COLOR set; --no-color beats FORCE_COLOR', async () => {
    const env = { CONC_LABS_DIR: LABS, NO_COLOR: undefined, FORCE_COLOR: undefined };
    expect((await runCli(['lab', '1', '--quick'], { env })).stdout).not.toMatch(ESC);
    expect((await runCli(['lab', '1', '--quick'], { env: { ...env, FORCE_COLOR: '1' } })).stdout).toMatch(ESC);
    expect((await runCli(['lab', '1', '--quick'], { env: { ...env, FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).toMatch(ESC);
    expect((await runCli(['lab', '1', '--quick', '--no-color'], { env: { ...env, FORCE_COLOR: '1' } })).stdout).not.toMatch(ESC);
    expect((await runCli(['lab', '1', '--quick', '--json'], { env: { ...env, FORCE_COLOR: '1' } })).stdout).not.toMatch(ESC);
  });

  it.skipIf(!hasScript)('in a terminal: on for TERM=xterm; off for NO_COLOR, --no-color and TERM=dumb', () => {
    expect(inTerminal('lab 1 --quick', { TERM: 'xterm' })).toMatch(ESC);
    const plain = (out: string): string => out.replace(/\x1b\[\?25[hl]/g, ''); // the spinner's cursor show/hide is not colour
    expect(plain(inTerminal('lab 1 --quick', { TERM: 'xterm', NO_COLOR: '1' }))).not.toMatch(ESC);
    expect(plain(inTerminal('lab 1 --quick --no-color', { TERM: 'xterm' }))).not.toMatch(ESC);
    expect(plain(inTerminal('lab 1 --quick', { TERM: 'dumb' }))).not.toMatch(ESC);
  });
});

describe('progress lines without a terminal', () => {
  /** A fake clock: advance() moves time and fires the 1 s ticks. */
  function fake() {
    let now = 0;
    let tick: () => void = () => {};
    const lines: string[] = [];
    const p = progressLines('lab 7 · pools', (l) => lines.push(l), { now: () => now, every: (_ms, fn) => ((tick = fn), () => (tick = () => {})) });
    const advance = (ms: number): void => {
      for (let t = 0; t < ms; t += 1000) {
        now += 1000;
        tick();
      }
    };
    return { p, lines, advance };
  }

  it('nothing in the first gap; then a line per phase, counters folded, at most one per gap', () => {
    const { p, lines, advance } = fake();
    p.update('warming up');
    advance(PHASE_GAP_MS - 1000);
    expect(lines).toEqual([]);
    advance(1000);
    expect(lines).toEqual([`conc: lab 7 · pools · ${PHASE_GAP_MS / 1000} s · warming up`]);
    for (let i = 1; i <= 5; i++) {
      p.update(`run ${i} of 5`); // one phase, whatever the counter
      advance(1000);
    }
    p.update('pool sizes');
    advance(PHASE_GAP_MS);
    expect(lines.map((l) => l.replace(/^.* s · /, ''))).toEqual(['warming up', 'run 5 of 5', 'pool sizes']);
    for (let i = 1; i < lines.length; i++) expect(Number(/ (\d+) s ·/.exec(lines[i] as string)?.[1]) - Number(/ (\d+) s ·/.exec(lines[i - 1] as string)?.[1])).toBeGreaterThanOrEqual(PHASE_GAP_MS / 1000);
  });

  it('a long phase gets a "still running" line; stop() ends the lines', () => {
    const { p, lines, advance } = fake();
    advance(HEARTBEAT_MS);
    expect(lines).toEqual([`conc: lab 7 · pools · ${HEARTBEAT_MS / 1000} s · still running`]);
    p.stop();
    advance(HEARTBEAT_MS * 2);
    expect(lines).toHaveLength(1);
  });

  it('a short lab prints nothing on stderr (the fixture lab ends in well under the first gap)', async () => {
    const r = await runCli(['lab', '1', '--quick'], { env: { CONC_LABS_DIR: LABS } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
