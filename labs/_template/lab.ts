/**
 * A lab to copy. The registry ignores this folder (its name is not NN-slug);
 * copy it to labs/NN-slug/, set id and slug, and replace the experiment.
 * `run()` reads as a script: one call per experiment file.
 */
import { defineLab } from '../../src/core/lab.js';
import { roundTrip } from './round-trip.js';

export default defineLab({
  id: 99,
  slug: 'template',
  title: 'Template: the round trip to a worker',
  summary: 'a lab to copy',
  chapter: 'One experiment per file; run() is a short script of those calls.',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    works: { type: 'list', default: [0, 10_000, 1_000_000], min: 0, max: 1e9, maxItems: 8, help: 'iterations of work per ping' },
  },
  quick: { works: [0, 10_000] },
  repeat: { default: 20, quick: 5 },
  warmup: { default: 3, quick: 1 },
  timeout: 60,
  async run(ctx) {
    const rt = await roundTrip(ctx, { works: ctx.options.works });
    ctx.headline('empty round trip', rt.emptyMs, 'ms');
  },
});
