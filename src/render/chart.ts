/**
 * Charts in the terminal: line, bar, histogram and timeline, drawn from the
 * report's chart data. Each series of a line chart has its own glyph, so the
 * chart reads the same without colour (CI logs, NO_COLOR): asciichart, the
 * usual choice, tells its series apart only by ANSI colour.
 */
import type { BarChart, Chart, HistogramChart, LineChart, TimelineChart } from '../core/report.js';
import { displayWidth, fmtNum, fmtQuantity } from './format.js';

export interface Paint {
  dim(s: string): string;
  bold(s: string): string;
  series(i: number, s: string): string;
}

export const plainPaint: Paint = { dim: (s) => s, bold: (s) => s, series: (_i, s) => s };

const GLYPHS = ['●', '○', '·', '+', 'x', '#', '%', '@'];

/** Items (a glyph and its name, say) packed on lines of at most width columns, three spaces apart. */
function packed(items: string[], indent: number, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const it of items) {
    if (cur && indent + displayWidth(cur) + 3 + displayWidth(it) > width) {
      lines.push(' '.repeat(indent) + cur);
      cur = it;
    } else cur = cur ? `${cur}   ${it}` : it;
  }
  if (cur) lines.push(' '.repeat(indent) + cur);
  return lines;
}

export function renderChart(c: Chart, width: number, paint: Paint = plainPaint): string {
  switch (c.type) {
    case 'line':
      return lineChart(c, width, paint);
    case 'bar':
      return barChart(c.title, c.unit, c.bars, width, paint);
    case 'histogram':
      return histogram(c, width, paint);
    case 'timeline':
      return timeline(c, width, paint);
  }
}

function interpolate(xs: number[], ys: (number | null)[], x: number): number | null {
  for (let i = 0; i < xs.length; i++) {
    const xi = xs[i] as number;
    const yi = ys[i];
    if (xi === x) return yi ?? null;
    if (i + 1 < xs.length) {
      const xj = xs[i + 1] as number;
      const yj = ys[i + 1];
      if (x > xi && x < xj) {
        if (yi === null || yi === undefined || yj === null || yj === undefined) return null;
        return yi + ((yj - yi) * (x - xi)) / (xj - xi);
      }
    }
  }
  return null;
}

function lineChart(c: LineChart, width: number, paint: Paint): string {
  const H = 12;
  const labelW = 8;
  const W = Math.max(20, Math.min(72, width - labelW - 2));
  const all = c.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (all.length === 0 || c.x.length === 0) return `${paint.bold(c.title)}\n  (no data)`;
  const ymin = Math.min(0, ...all);
  const ymax = Math.max(...all) === ymin ? ymin + 1 : Math.max(...all);
  const xmin = Math.min(...c.x);
  const xmax = Math.max(...c.x) === xmin ? xmin + 1 : Math.max(...c.x);
  const grid: string[][] = Array.from({ length: H }, () => Array.from({ length: W }, () => ' '));
  const rowOf = (y: number): number => Math.round(((ymax - y) / (ymax - ymin)) * (H - 1));
  const colOf = (x: number): number => Math.round(((x - xmin) / (xmax - xmin)) * (W - 1));
  // Later series are drawn first so that the first (usually "measured") stays on top.
  for (let si = c.series.length - 1; si >= 0; si--) {
    const s = c.series[si];
    if (!s) continue;
    const g = paint.series(si, GLYPHS[si % GLYPHS.length] as string);
    for (let col = 0; col < W; col++) {
      const x = xmin + (col / (W - 1)) * (xmax - xmin);
      const y = interpolate(c.x, s.values, x);
      if (y === null || !Number.isFinite(y)) continue;
      const r = rowOf(y);
      const row = grid[r];
      if (row) row[col] = g;
    }
    for (let i = 0; i < c.x.length; i++) {
      const v = s.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      const row = grid[rowOf(v)];
      if (row) row[colOf(c.x[i] as number)] = g;
    }
  }
  const lines = [paint.bold(c.title)];
  lines.push(paint.dim(`${c.yLabel}`));
  for (let r = 0; r < H; r++) {
    const y = ymax - (r / (H - 1)) * (ymax - ymin);
    const label = r % 3 === 0 || r === H - 1 ? fmtNum(y) : '';
    lines.push(`${label.padStart(labelW)} ┤${(grid[r] as string[]).join('')}`);
  }
  lines.push(`${' '.repeat(labelW)} └${'─'.repeat(W)}`);
  // X ticks at the data points (thinned so labels do not collide).
  // Labels may run past the last column by a few characters, never past the terminal.
  const tickW = Math.max(W, Math.min(W + 8, width - labelW - 2));
  const ticks = Array.from({ length: tickW }, () => ' ');
  let lastEnd = -1;
  for (const x of c.x) {
    const col = colOf(x);
    const s = fmtNum(x);
    const at = Math.max(0, Math.min(col - Math.floor(s.length / 2), tickW - s.length));
    if (at <= lastEnd) continue;
    for (let k = 0; k < s.length; k++) ticks[at + k] = s[k] as string;
    lastEnd = at + s.length;
  }
  const tickLine = `${' '.repeat(labelW + 2)}${ticks.join('').trimEnd()}`;
  if (displayWidth(tickLine) + 2 + displayWidth(c.xLabel) <= width) lines.push(`${tickLine}  ${paint.dim(c.xLabel)}`);
  else lines.push(tickLine, `${' '.repeat(labelW + 2)}${paint.dim(c.xLabel)}`);
  lines.push(...packed(c.series.map((s, i) => `${paint.series(i, GLYPHS[i % GLYPHS.length] as string)} ${s.name}`), labelW + 2, width));
  return lines.join('\n');
}

function barChart(title: string, unit: string, bars: { label: string; value: number }[], width: number, paint: Paint): string {
  const lines = [paint.bold(title)];
  if (bars.length === 0) return `${lines[0]}\n  (no data)`;
  const labelW = Math.min(24, Math.max(...bars.map((b) => b.label.length)));
  const max = Math.max(...bars.map((b) => b.value), 0);
  const W = Math.max(10, Math.min(50, width - labelW - 16));
  for (const [i, b] of bars.entries()) {
    const n = max > 0 ? Math.round((b.value / max) * W) : 0;
    const bar = '█'.repeat(n) || (b.value > 0 ? '▏' : '');
    lines.push(`  ${b.label.slice(0, labelW).padEnd(labelW)} ${paint.series(i % 1, bar)} ${fmtQuantity(b.value, unit)}`);
  }
  return lines.join('\n');
}

function histogram(c: HistogramChart, width: number, paint: Paint): string {
  return barChart(
    c.title,
    '',
    c.bins.map((b) => ({ label: `${fmtNum(b.low)}–${fmtNum(b.high)} ${c.unit}`, value: b.count })),
    width,
    paint,
  );
}

function timeline(c: TimelineChart, width: number, paint: Paint): string {
  const labelW = Math.min(14, Math.max(4, ...c.lanes.map((l) => l.name.length)));
  const W = Math.max(20, Math.min(100, width - labelW - 4));
  const span = c.end - c.start || 1;
  const stateNames = Object.keys(c.states);
  const lines = [paint.bold(c.title)];
  for (const lane of c.lanes) {
    const row: string[] = [];
    for (let col = 0; col < W; col++) {
      const t0 = c.start + (col / W) * span;
      const t1 = c.start + ((col + 1) / W) * span;
      // The state that covers most of this column.
      let best = '';
      let bestCover = 0;
      for (const s of lane.segments) {
        const cover = Math.min(s.end, t1) - Math.max(s.start, t0);
        if (cover > bestCover) {
          bestCover = cover;
          best = s.state;
        }
      }
      const ch = best ? (c.states[best] ?? '?') : ' ';
      row.push(best ? paint.series(Math.max(0, stateNames.indexOf(best)), ch) : ch);
    }
    for (const e of c.events ?? []) {
      if (e.lane !== lane.name) continue;
      const col = Math.min(W - 1, Math.max(0, Math.floor(((e.at - c.start) / span) * W)));
      row[col] = paint.bold('|');
    }
    lines.push(`  ${lane.name.slice(0, labelW).padEnd(labelW)} ${row.join('')}`);
  }
  const left = `${fmtNum(c.start)} ${c.unit}`;
  const right = `${fmtNum(c.end)} ${c.unit}`;
  lines.push(`  ${' '.repeat(labelW)} ${paint.dim(left + right.padStart(Math.max(1, W - left.length)))}`);
  const legend = stateNames.map((s, i) => `${paint.series(i, c.states[s] as string)} ${s}`);
  if (c.events?.length) legend.push('| event');
  lines.push(...packed(legend, labelW + 3, width));
  return lines.join('\n');
}
