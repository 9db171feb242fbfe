/**
 * Marble diagrams from real runs: the notifications recorded under the
 * TestScheduler (virtual time) are drawn in rxjs's marble syntax, printed,
 * put in outputs.marbles (name -> marble string; outputs.marbleValues gives
 * each letter's value), and read back with rxjs's own parser: the check is
 * that TestScheduler.parseMarbles turns every printed diagram back into
 * exactly the notifications that were recorded.
 */
import type { LabContext } from '../../src/core/lab.js';
import { compareMessages, displayLines, fitMarble, Legend, printMarble, type MarblePrinter } from './marbles.js';
import { loadTesting, type Recorded } from './virtual.js';

export interface DiagramGroup {
  title: string;
  rows: { name: string; messages: Recorded[] }[];
  /** How a value is written in the legend. */
  show?: (v: unknown) => string;
  /** Said instead of a legend (when each value is its own letter). */
  note?: string;
}

export interface DiagramOptions {
  /** The printer: the seam a fault test replaces with one that shifts a frame. */
  printer?: MarblePrinter;
}

/** Columns for the diagram itself, so that a table row fits 80 columns with a short name beside it. */
const WIDTH = 54;

export async function marbleDiagrams(ctx: LabContext<unknown>, groups: readonly DiagramGroup[], o: DiagramOptions = {}): Promise<void> {
  const printer = o.printer ?? printMarble;
  const { testing, fresh } = await loadTesting();
  const scheduler = fresh();
  const marbles: Record<string, string> = {};
  const values: Record<string, Record<string, unknown>> = {};
  const drawn: { name: string; marble: string; vals: Record<string, unknown>; messages: Recorded[] }[] = [];
  const bad: string[] = [];

  for (const g of groups) {
    const legend = new Legend();
    const rows: { name: string; diagram: string }[] = [];
    for (const r of g.rows) {
      let marble: string;
      try {
        marble = fitMarble(printer, r.messages, legend.letterOf, WIDTH);
      } catch (e) {
        bad.push(`${r.name}: ${(e as Error).message}`);
        continue;
      }
      marbles[r.name] = marble;
      values[r.name] = legend.valuesIn(marble);
      drawn.push({ name: r.name, marble, vals: values[r.name] ?? {}, messages: r.messages });
      displayLines(marble, WIDTH).forEach((line, i) => rows.push({ name: i ? '' : r.name, diagram: line }));
    }
    const show = g.show ?? ((v: unknown) => JSON.stringify(v));
    ctx.table({
      title: g.title,
      columns: [
        { key: 'name', label: 'stream' },
        { key: 'diagram', label: 'marble (1 char = 1 virtual ms)' },
      ],
      rows,
      note:
        g.note ??
        Object.entries(legend.values)
          .map(([l, v]) => `${l}=${show(v)}`)
          .join(' '),
    });
  }

  // Read every diagram back with rxjs's parser, in run mode (1 frame per character).
  scheduler.run(() => {
    for (const d of drawn) {
      try {
        const parsed = testing.TestScheduler.parseMarbles(d.marble, d.vals, undefined, false, true) as Recorded[];
        const diff = compareMessages(parsed, d.messages);
        if (diff) bad.push(`${d.name}: ${diff}`);
      } catch (e) {
        bad.push(`${d.name}: parseMarbles threw ${(e as Error).message}`);
      }
    }
  });
  ctx.output('marbles', marbles);
  ctx.output('marbleValues', values);
  ctx.check(
    'marble diagrams read back as recorded',
    bad.length === 0 && drawn.length > 0,
    bad.length ? `${bad.length} differ: ${bad[0]}` : `${drawn.length} diagrams, ${drawn.reduce((s, d) => s + d.messages.length, 0)} notifications`,
  );
}
