/**
 * A small box table without dependencies, for `conc list`: that command is
 * run often and from scripts, and loading chalk and cli-table3 costs about
 * half of Node's own start-up. Lab reports use the full renderer (text.ts).
 */
export function plainTable(headers: string[], rows: string[][], rightAlign: boolean[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (s: string, i: number): string => {
    const w = widths[i] ?? 0;
    return ` ${rightAlign[i] ? s.padStart(w) : s.padEnd(w)} `;
  };
  const line = (l: string, m: string, r: string): string => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const row = (r: string[]): string => `│${headers.map((_, i) => cell(r[i] ?? '', i)).join('│')}│`;
  return [line('┌', '┬', '┐'), row(headers), line('├', '┼', '┤'), ...rows.map(row), line('└', '┴', '┘')].join('\n');
}
