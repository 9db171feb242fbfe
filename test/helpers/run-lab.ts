/**
 * Test helpers: run a compiled lab through the real host (as the CLI does),
 * and run the real bin/conc.js as a user would. Both use dist/ (built by
 * `npm test`'s pretest), because labs start .js worker files.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/conc.js');

// Types only: the modules themselves are loaded from dist/ at run time.
type Report = import('../../src/core/report.js').Report;

/** Parse CLI-style args for lab `ref` and run it in its host; returns the report. */
export async function runLab(ref: string | number, args: string[] = ['--quick']): Promise<Report> {
  const registry = (await import(path.join(ROOT, 'dist/src/core/registry.js'))) as typeof import('../../src/core/registry.js');
  const labCmd = (await import(path.join(ROOT, 'dist/src/cli/commands/lab.js'))) as typeof import('../../src/cli/commands/lab.js');
  const host = (await import(path.join(ROOT, 'dist/src/hosts/run-lab.js'))) as typeof import('../../src/hosts/run-lab.js');
  const reg = await registry.loadRegistry();
  const entry = registry.resolveLab(reg, String(ref));
  const inv = labCmd.parseLabArgs(entry, args);
  const report = await host.runInvocation(inv);
  await expectFits(report, entry.lab);
  return report;
}

/** The widths every lab's output is held to in a terminal (issue 14): 80 and 120 columns. */
export const TERMINAL_WIDTHS = [80, 120] as const;

/**
 * Every lab test goes through runLab, so every report a lab makes is rendered
 * here as a terminal of 80 and of 120 columns would show it (header, chapter,
 * options, tables, charts, notes, checks) and no line may be wider.
 */
export async function expectFits(report: Report, lab: { chapter?: string; options: object }): Promise<void> {
  const text = (await import(path.join(ROOT, 'dist/src/render/text.js'))) as typeof import('../../src/render/text.js');
  const style = (await import(path.join(ROOT, 'dist/src/render/style.js'))) as typeof import('../../src/render/style.js');
  const fmt = (await import(path.join(ROOT, 'dist/src/render/format.js'))) as typeof import('../../src/render/format.js');
  for (const w of TERMINAL_WIDTHS) {
    const out = text.renderText(report, style.makeStyle(false, w), { chapter: lab.chapter, specs: lab.options as never });
    const wide = out.split('\n').filter((l) => fmt.displayWidth(l) > w);
    if (wide.length) throw new Error(`lab ${report.lab.id}: ${wide.length} line(s) wider than ${w} columns:\n${wide.join('\n')}`);
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run bin/conc.js with args; bounded by timeoutMs (the process is killed past it). */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string; onSpawn?: (pid: number) => void } = {},
): Promise<CliResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...opts.env };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: env as NodeJS.ProcessEnv });
    opts.onSpawn?.(child.pid as number);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** Is a pid still running (a zombie counts as gone)? */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}
