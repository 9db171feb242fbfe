/** The one line a GPU lab's report gets above its tables: what ran, on what, and why the others did not. */
import type { GpuInfo } from '../core/report.js';
import { wrap } from './format.js';
import { proseWidth, type Style } from './style.js';

export function gpuText(g: GpuInfo): string {
  const kind = g.software ? (g.ran === 'webasm' || g.ran === 'cpu' ? 'the CPU, no GPU' : 'a software rasterizer, no GPU') : 'a hardware GPU';
  const head = `backend: ${g.ran} (asked: ${g.requested}) · ${kind} · ${g.device || 'unnamed device'}`;
  const others = g.skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
  return others ? `${head} · not used: ${others}` : head;
}

/** gpuText wrapped to the terminal, continuation lines indented. */
export function gpuLine(g: GpuInfo, st: Style): string {
  const lines = wrap(gpuText(g), proseWidth(st) - 2);
  return lines.map((l, i) => (i === 0 ? st.bold(l) : `  ${l}`)).join('\n');
}
