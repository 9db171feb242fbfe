/**
 * A seeded generator of bad conc command lines, and the runner that checks
 * each one against the real bin/conc.js: it must exit 2 with exactly one
 * line on stderr ("conc: ..."), nothing on stdout, no stack trace, within
 * 2 s. Used by test/cli/fuzz.test.ts (a bounded number of cases) and by
 * `npm run fuzz -- --runs N` (test/fuzz/run.js).
 *
 * Every case carries at least one fault that conc must refuse before it
 * starts a lab (a bad value, an unknown flag, lab or command, a hostile
 * file), so no case runs anything for long. The flags are learned from the
 * same tables the CLI uses (COMMON_FLAGS, SUITE_FLAGS, COMPARE_FLAGS in
 * dist/src/cli, each lab's option table from the registry), so a new option
 * is fuzzed without a change here.
 *
 * Plain JavaScript (with cases.d.ts for the tests), so that the script runs
 * under plain Node from the repository.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/conc.js');
const dist = (p) => import(path.join(ROOT, 'dist', p));

/** Per case: the time it may take (ms), and the time after which it is killed as a hang. */
export const LIMIT_MS = 2000;
const KILL_MS = 10_000;

// ---------------------------------------------------------------------------
// Seeded random choices

/** mulberry32: a small seeded generator, enough to make a case list repeatable. */
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const chance = (p) => next() < p;
  return { next, int, pick, chance };
}

/** Never in a case: these print help or the version and exit 0. */
const HELPISH = new Set(['-h', '--help', '-v', '--version', 'help']);

/** Odd strings: Unicode of every kind, controls (no NUL: argv cannot hold one), very long. */
function oddString(r) {
  const pools = [
    'abcdefghijklmnopqrstuvwxyz',
    '0123456789',
    '!#$%&()*+,./:;<=>?@[]^_{|}~ ',
    'äöüßéñçøåœ',
    '漢字テスト한국어',
    '\u0301\u0308\u200d\u200b\u202e\u2028\ufeff',
    '\u0001\u0007\u0008\u001b\u007f\u0085\t\n\r',
    '١٢٣５６７',
  ];
  const emoji = ['😀', '👩‍💻', '🇫🇷', '\ud83d'];
  const n = r.chance(0.05) ? r.int(2000, 20_000) : r.int(1, 16);
  let s = '';
  for (let i = 0; i < n; i++) s += r.chance(0.1) ? r.pick(emoji) : r.pick([...r.pick(pools)]);
  return s;
}

// ---------------------------------------------------------------------------
// Values an option spec must refuse, and values it accepts (noise)

const flagName = (key) => '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/**
 * A value this spec must refuse. The candidates are wrong by construction;
 * `accepts` (conc's own parseOptionValue) drops the few that are not (an odd
 * string that happens to be "3"), so that no case starts a lab. The fuzzer
 * tests that bad input is refused cleanly; which values are bad is the unit
 * tests' business (test/core/options.test.ts).
 */
export function badValue(r, spec, accepts = () => false) {
  for (let i = 0; i < 50; i++) {
    const v = candidate(r, spec);
    if (!accepts(spec, v)) return v;
  }
  return '';
}

function candidate(r, spec) {
  const common = ['', ' ', 'abc', '😀', '\u001b[2J', 'x\ny', oddString(r)];
  switch (spec.type) {
    case 'integer':
      return r.pick([
        ...common,
        '1.5',
        '1e3',
        '0x10',
        '١',
        '５',
        '+',
        '-',
        '--1',
        '1_000',
        'NaN',
        'Infinity',
        '99999999999999999999999',
        String(spec.min - 1 - r.int(0, 1e6)),
        String(spec.max + 1 + r.int(0, 1e9)),
      ]);
    case 'number': {
      const bad = [...common, 'NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '0x10', '1,5', '1..2', '--1', '٣', '½', 'e5', '1e'];
      bad.push(String(spec.min - (spec.max - spec.min) - 1), String(spec.max * 10 + 1));
      return r.pick(bad.filter((v) => !v.includes('%')));
    }
    case 'choice':
      return r.pick(
        [...common, 'xml', `${spec.choices[0]}x`, spec.choices[0].toUpperCase(), spec.choices.join(',')].filter((v) => !spec.choices.includes(v.trim())),
      );
    case 'list': {
      const bad = [...common.filter((v) => v !== ' '), ',', '1,,2', 'a,b', '1;2', '1 2', String(spec.min - 1), String(spec.max + 1), `${spec.min},${spec.max + 1}`];
      if (spec.integer !== false) bad.push('1.5');
      if (spec.maxItems !== undefined) bad.push(Array(spec.maxItems + 1).fill(spec.min).join(','));
      if (spec.minItems !== undefined && spec.minItems > 1) bad.push(String(spec.min));
      return r.pick(bad);
    }
    case 'duration': {
      const bad = [...common, '5h', '-5ms', 'ms', '1e3', '1.2.3s', '1 s s', `${spec.max * 10 + 1000}ms`];
      if (spec.min > 0) bad.push(`${spec.min / 10}ms`);
      return r.pick(bad);
    }
    case 'range': {
      const bad = [...common, 'a-b', '1-2-3', '-5', `${spec.max + 1}`, `${spec.min}-${spec.max + 1}`];
      if (spec.max > spec.min) bad.push(`${spec.max}-${spec.min}`);
      return r.pick(bad);
    }
    case 'string':
      // Only the empty value is refused by every string option; a directory option also refuses a file.
      return r.pick(spec.dir ? ['', ' ', '/proc/version', '/proc/version/sub'] : ['', ' ']);
    default:
      throw new Error(`no bad value for type ${spec.type}`);
  }
}

/** A value the spec accepts (for noise around the fault). */
function goodValue(r, spec) {
  switch (spec.type) {
    case 'integer':
      return String(r.int(spec.min, Math.min(spec.max, spec.min + 5)));
    case 'number':
      return String(spec.min + (spec.max - spec.min) * 0.1);
    case 'choice':
      return r.pick(spec.choices);
    case 'list':
      return String(spec.min);
    case 'duration':
      return `${spec.min}ms`;
    case 'range':
      return `${spec.min}-${spec.min}`;
    default:
      return null;
  }
}

/** Valid flags (with values) from a table, never `avoid` and never a string flag (--out and such). */
function noise(r, table, avoid, n) {
  const out = [];
  const keys = Object.keys(table).filter((k) => table[k].type !== 'string' && !avoid.has(k));
  for (let i = 0; i < n && keys.length; i++) {
    const key = r.pick(keys);
    const f = table[key];
    if (f.type === 'boolean') out.push(f.negate ? `--no-${flagName(key).slice(2)}` : flagName(key));
    else {
      const v = goodValue(r, f);
      if (v === null) continue;
      if (r.chance(0.3)) out.push(`${flagName(key)}=${v}`);
      else out.push(flagName(key), v);
    }
  }
  return out;
}

/** `flag value` or `flag=value`. */
const withValue = (r, flag, v) => (r.chance(0.25) && !v.startsWith('-') ? [`${flag}=${v}`] : [flag, v]);

// ---------------------------------------------------------------------------
// The case generators, one per kind of fault

/** Refs that resolve to no lab (checked against the registry). */
function unknownRef(r, ctx, o = {}) {
  for (;;) {
    const ref = r.pick(['0', '13', '99', '-1', '1.5', '1e1', '01x', 'ALL', 'All', '', ' ', 'speed', ' 1', '1 ', '😀', 'lab1', '99999999999999999999', oddString(r)]);
    if (HELPISH.has(ref) || ref === 'all' || (o.noComma && ref.includes(','))) continue;
    // In a list (--only 1, 5) each item is trimmed: unknown either way.
    if ([ref, ref.trim()].some((x) => (/^\d+$/.test(x) && ctx.ids.has(Number(x))) || ctx.slugs.has(x) || x === 'all')) continue;
    return ref;
  }
}

/** An unknown flag: not in `known`, never help or version. */
function unknownFlag(r, known) {
  for (;;) {
    const f = r.pick(['--bogus', '--Quick', '--QUICK', '--seeds', '--no-quick', '--no-json', '---', '-x', '-q', '-j', '--😀', '--x-y', `--${oddString(r)}`, '--json=yes', '--quick=1', '--verbose=0']);
    if (HELPISH.has(f) || known.has(f) || f === '--' || !f.startsWith('-')) continue;
    return f;
  }
}

function labOf(r, ctx) {
  return r.pick(ctx.labs);
}

const refOf = (r, lab) => (r.chance(0.5) ? String(lab.id) : lab.slug);

const GEN = {
  /** conc lab <unknown> ... */
  'lab-unknown'(r, ctx) {
    return ['lab', unknownRef(r, ctx), ...noise(r, ctx.common, new Set(), r.int(0, 3))];
  },

  /** conc lab N --option <bad value>, among valid flags. */
  'lab-option-value'(r, ctx) {
    const lab = labOf(r, ctx);
    const keys = Object.keys(lab.options).filter((k) => lab.options[k].type !== 'boolean');
    if (!keys.length) return null;
    const key = r.pick(keys);
    const table = { ...ctx.common, ...lab.options };
    const fault = withValue(r, flagName(key), badValue(r, lab.options[key], ctx.accepts));
    return ['lab', refOf(r, lab), ...noise(r, table, new Set([key]), r.int(0, 3)), ...fault, ...noise(r, table, new Set([key]), r.int(0, 2))];
  },

  /** conc lab N --boolean=value (a switch takes no value). */
  'lab-switch-value'(r, ctx) {
    const lab = labOf(r, ctx);
    const keys = Object.keys(lab.options).filter((k) => lab.options[k].type === 'boolean');
    if (!keys.length) return null;
    const flag = flagName(r.pick(keys));
    const f = r.chance(0.5) ? flag : `--no-${flag.slice(2)}`;
    return ['lab', refOf(r, lab), `${f}=${r.pick(['yes', 'true', '1', '', 'no'])}`];
  },

  /** conc lab N --common <bad value>. */
  'lab-common-value'(r, ctx) {
    const lab = labOf(r, ctx);
    const keys = Object.keys(ctx.common).filter((k) => ctx.common[k].type !== 'boolean');
    const key = r.pick(keys);
    const spec = ctx.common[key];
    let fault;
    if (key === 'out') fault = withValue(r, '--out', r.pick(['', ' ', '/nonexistent-dir/r.json', '/proc/version/r.json', '/']));
    else if (key === 'host' && r.chance(0.3) && lab.hosts.length < 2) fault = ['--host', lab.hosts.includes('worker') ? 'process' : 'worker'];
    else fault = withValue(r, flagName(key), badValue(r, spec, ctx.accepts));
    const table = { ...ctx.common, ...lab.options };
    return ['lab', refOf(r, lab), ...noise(r, table, new Set([key]), r.int(0, 3)), ...fault, ...noise(r, table, new Set([key]), r.int(0, 2))];
  },

  /** conc lab N --json --format text (or md). */
  'lab-format-conflict'(r, ctx) {
    const lab = labOf(r, ctx);
    return ['lab', refOf(r, lab), ...(r.chance(0.5) ? ['--json', '--format', r.pick(['text', 'md'])] : ['--format', r.pick(['text', 'md']), '--json'])];
  },

  /** conc lab N ... --unknown. */
  'lab-unknown-flag'(r, ctx) {
    const lab = labOf(r, ctx);
    const table = { ...ctx.common, ...lab.options };
    const known = new Set(ctx.knownFlags(table, true));
    return ['lab', refOf(r, lab), ...noise(r, table, new Set(), r.int(0, 2)), unknownFlag(r, known), ...noise(r, table, new Set(), r.int(0, 2))];
  },

  /** conc lab N ... --valued (no value at the end). */
  'lab-missing-value'(r, ctx) {
    const lab = labOf(r, ctx);
    const table = { ...ctx.common, ...lab.options };
    const valued = Object.keys(table).filter((k) => table[k].type !== 'boolean');
    const key = r.pick(valued);
    return ['lab', refOf(r, lab), ...noise(r, table, new Set([key]), r.int(0, 3)), flagName(key)];
  },

  /** conc lab N extra (an operand). */
  'lab-operand'(r, ctx) {
    const lab = labOf(r, ctx);
    let extra = r.pick(['extra', '1', 'all', oddString(r), '-']);
    if (extra.startsWith('-') && extra !== '-') extra = 'x' + extra;
    if (HELPISH.has(extra)) extra = 'extra';
    return ['lab', refOf(r, lab), ...noise(r, { ...ctx.common, ...lab.options }, new Set(), r.int(0, 2)), extra];
  },

  /** A repeated flag whose last value is bad (the last one wins). */
  'lab-repeated'(r, ctx) {
    const lab = labOf(r, ctx);
    const table = { ...ctx.common, ...lab.options };
    const keys = Object.keys(table).filter((k) => table[k].type !== 'boolean' && table[k].type !== 'string' && goodValue(r, table[k]) !== null);
    const key = r.pick(keys);
    const flag = flagName(key);
    const reps = [];
    for (let i = 0; i < r.int(1, 4); i++) reps.push(flag, goodValue(r, table[key]));
    return ['lab', refOf(r, lab), ...reps, ...withValue(r, flag, badValue(r, table[key], ctx.accepts))];
  },

  /** conc lab --flag N (a flag where the lab goes: an unknown lab named "--flag"). */
  'lab-flag-first'(r, ctx) {
    const lab = labOf(r, ctx);
    return ['lab', r.pick(['--quick', '--json', '--seed', '--no-color', '--bogus']), refOf(r, lab)];
  },

  /** conc lab all with a bad selection, a lab's own option, a bad common flag or an operand. */
  'suite'(r, ctx) {
    const s = ctx.suite;
    const valid = () => r.pick(ctx.labs.map((l) => (r.chance(0.5) ? String(l.id) : l.slug)));
    const n = noise(r, s, new Set(['only', 'skip']), r.int(0, 2));
    const kind = r.int(0, 8);
    switch (kind) {
      case 0:
        return ['lab', 'all', ...n, '--only', `${valid()},${unknownRef(r, ctx, { noComma: true })}`];
      case 1:
        return ['lab', 'all', ...n, r.pick(['--only', '--skip']), r.pick(['', ' ', ',', '1,,2', `${valid()},`])];
      case 2: {
        const id = valid();
        return ['lab', 'all', ...n, '--only', id, '--skip', id];
      }
      case 3: {
        const lab = r.pick(ctx.labs.filter((l) => Object.keys(l.options).length));
        const key = r.pick(Object.keys(lab.options));
        const spec = lab.options[key];
        const flag = spec.type === 'boolean' && r.chance(0.3) ? `--no-${flagName(key).slice(2)}` : flagName(key);
        return ['lab', 'all', ...n, ...(spec.type === 'boolean' ? [flag] : [flag, goodValue(r, spec) ?? 'x'])];
      }
      case 4: {
        const keys = Object.keys(ctx.common).filter((k) => ctx.common[k].type !== 'boolean' && ctx.common[k].type !== 'string');
        const key = r.pick(keys);
        return ['lab', 'all', ...noise(r, s, new Set(['only', 'skip', key]), r.int(0, 2)), ...withValue(r, flagName(key), badValue(r, ctx.common[key], ctx.accepts))];
      }
      case 5:
        return ['lab', 'all', ...n, unknownFlag(r, new Set(ctx.knownFlags(s, false)))];
      case 6:
        return ['lab', 'all', ...n, r.pick(['extra', '1', 'all', oddString(r).replace(/^-+/, 'x')])];
      case 7: {
        const valued = Object.keys(s).filter((k) => s[k].type !== 'boolean');
        const key = r.pick(valued);
        return ['lab', 'all', ...noise(r, s, new Set([key, 'only', 'skip']), r.int(0, 2)), flagName(key)];
      }
      default: {
        // A host some lab does not support, else one that is no host at all.
        const h = ['worker', 'process'].find((x) => ctx.labs.some((l) => !l.hosts.includes(x)));
        return ['lab', 'all', ...n, '--host', h && r.chance(0.5) ? h : badValue(r, ctx.common.host, ctx.accepts)];
      }
    }
  },

  /** An unknown command, or a flag where the command goes. */
  'command'(r) {
    for (;;) {
      const c = r.pick(['frob', 'labs', 'LAB', 'Lab', 'comp', 'compare2', 'run', 'ls', '', ' ', '😀', 'ｌａｂ', 'lab ', '-x', '--bogus', '---', '--no-color', '--json', oddString(r)]);
      if (HELPISH.has(c) || ['list', 'info', 'lab', 'compare'].includes(c)) continue;
      return [c, ...(r.chance(0.5) ? [r.pick(['1', 'all', '--quick', 'x'])] : [])];
    }
  },

  /** conc list / info with an unknown flag or an operand. */
  'list-info'(r) {
    const cmd = r.pick(['list', 'info']);
    const bad = r.pick(['--bogus', '--jsonx', '--no-json', 'extra', '1', '-j', '--json=1']);
    return [cmd, ...(r.chance(0.5) ? ['--json'] : []), bad];
  },

  /** conc compare with a bad option, an unknown flag, a missing value or fewer than two files. */
  'compare-args'(r, ctx) {
    const t = ctx.compare;
    const files = [ctx.files.report, ctx.files.report2];
    const n = () => noise(r, t, new Set(), r.int(0, 2));
    switch (r.int(0, 4)) {
      case 0: {
        const key = r.pick(['alpha', 'threshold', 'format']);
        return ['compare', ...noise(r, t, new Set([key]), r.int(0, 2)), ...files, ...withValue(r, flagName(key), badValue(r, t[key], ctx.accepts))];
      }
      case 1:
        return ['compare', ...files, unknownFlag(r, new Set(ctx.knownFlags(t, false)))];
      case 2: {
        const key = r.pick(['alpha', 'threshold', 'format']);
        return ['compare', ...files, ...noise(r, t, new Set([key]), r.int(0, 2)), flagName(key)];
      }
      case 3:
        return ['compare', ...n(), ...files.slice(0, r.int(0, 1))];
      default:
        return ['compare', ...files, ...(r.chance(0.5) ? ['--json', '--format', r.pick(['text', 'md'])] : ['--format', 'md', '--json'])];
    }
  },

  /** conc compare with a hostile file among valid ones. */
  'compare-file'(r, ctx) {
    const hostile = hostileFile(r, ctx);
    const others = [ctx.files.report, r.chance(0.3) ? ctx.files.suite : ctx.files.report2];
    const list = [...others.slice(0, r.int(1, 2))];
    list.splice(r.int(0, list.length), 0, hostile.path);
    const args = ['compare', ...noise(r, ctx.compare, new Set(), r.int(0, 2)), ...list];
    return { args, files: hostile.files };
  },
};

// ---------------------------------------------------------------------------
// Hostile report files

/** A JSON value nested `depth` deep. */
const nested = (depth, kind) => (kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

/** A report (parsed) with one field given the wrong type (each is refused by the checks). */
function wrongType(r, report) {
  const rep = structuredClone(report);
  const m = rep.metrics[0];
  const edits = [
    () => (rep.schema = r.pick([1, null, true, 'conc.report/1 ', 'conc.report/1.0', ['conc.report/1']])),
    () => (rep.lab = r.pick([[], null, 'lab 1', { id: '1', slug: 'x' }, { id: 1.5, slug: 'x' }, { id: 1, slug: 2 }])),
    () => (rep.metrics = r.pick([{}, null, 'metrics', [1], [null], [[]]])),
    () => (m.name = r.pick(['', 1, null, []])),
    () => (m.unit = r.pick([1, null, {}])),
    () => (m.better = r.pick(['up', '', null, 1, 'LOWER'])),
    () => (m.variant = r.pick([null, [], 'x', { a: {} }, { a: [1] }, { a: null }])),
    () => (m.samples = r.pick(['1,2', null, {}, [1, '2'], [null], [1, [2]], [true]])),
    () => (rep.outputs = r.pick([[], null, 'x', 1])),
    () => (rep.options = r.pick([[], null, 'x', 1])),
    () => (rep.seed = r.pick(['42', null, [], {}])),
    () => (rep.status = r.pick(['good', '', null, 1, 'OK'])),
    () => (rep.machine = r.pick([null, [], 'x', 1])),
  ];
  r.pick(edits)();
  return JSON.stringify(rep);
}

/** A valid report with a huge sample array, made bad by one element (or left valid, with another fault beside it). */
function hugeSamples(r, report) {
  const n = r.int(100_000, 600_000);
  const at = r.int(0, n - 1);
  const bad = r.pick(['"x"', 'null', 'true', '[1]', '{}', '"NaN"']);
  const samples = new Array(n);
  for (let i = 0; i < n; i++) samples[i] = i === at ? bad : String(1 + (i % 1000) / 1000);
  const rep = structuredClone(report);
  rep.metrics[0].samples = [];
  const text = JSON.stringify(rep);
  return text.replace('"samples":[]', `"samples":[${samples.join(',')}]`);
}

function hostileFile(r, ctx) {
  const name = `hostile-${ctx.seq++}.json`;
  const p = path.join(ctx.dir, name);
  const file = (content) => ({ path: p, files: [{ name, content }] });
  const rep = ctx.reports.report;
  const text = ctx.reports.reportText;
  switch (r.int(0, 14)) {
    case 0:
      return { path: path.join(ctx.dir, `missing-${ctx.seq++}.json`), files: [] };
    case 1:
      return { path: r.pick([ctx.dir, '/', '/proc']), files: [] };
    case 2:
      return file(r.pick(['', ' ', '\n\n', '\t \r\n']));
    case 3: {
      const cut = r.int(1, text.trimEnd().length - 2);
      return file(text.slice(0, cut));
    }
    case 4:
      return file(r.pick(['this is not json', '{"schema":', 'null', '42', '"conc.report/1"', '[]', 'true', '{schema: 1}', '\ufeff{}', oddString(r)]));
    case 5: {
      const bytes = Buffer.alloc(r.int(1, 4096));
      for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(0, 255);
      return file(bytes);
    }
    case 6:
      return file(nested(r.int(1000, 200_000), r.pick(['array', 'object'])));
    case 7: {
      // A valid report with a deeply nested value where a lab's data goes.
      const where = r.pick(['outputs', 'options']);
      const t = JSON.stringify(rep).replace(`"${where}":{`, `"${where}":{"deep":${nested(r.int(5000, 100_000), r.pick(['array', 'object']))},`);
      return file(t);
    }
    case 8:
      return file(wrongType(r, rep));
    case 9: {
      const s = structuredClone(ctx.reports.suite);
      const k = r.int(0, 3);
      if (k === 0) s.reports = r.pick([null, {}, 'x']);
      else if (k === 1) s.reports[0] = JSON.parse(wrongType(r, s.reports[0]));
      else if (k === 2) s.schema = r.pick(['conc.suite/2', 'conc.suite/0', 'conc.suites/1']);
      else s.reports[r.int(0, s.reports.length - 1)].schema = 'conc.report/2';
      return file(JSON.stringify(s));
    }
    case 10:
      return file(hugeSamples(r, rep));
    case 11:
      return { path: p, files: [{ name, fifo: true }] };
    case 12:
      return { path: r.pick(['/dev/zero', '/dev/urandom', '/dev/null', '/dev/full']), files: [] };
    case 13: {
      const t = JSON.stringify({ ...rep, schema: r.pick(['conc.report/2', 'conc.report/10', 'conc.compare/1', 'conc.list/1', 'other/1']) });
      return file(t);
    }
    default: {
      // Numbers JSON cannot hold as finite doubles: 1e999 parses to Infinity.
      const t = JSON.stringify(rep).replace(/"samples":\[([^\]]*)\]/, (_, xs) => `"samples":[${xs},${r.pick(['1e999', '-1e999'])}]`);
      return file(t);
    }
  }
}

// ---------------------------------------------------------------------------
// The context the generators need: the labs and tables from dist/, fixture reports

/** Load what the generator learns from the build: lab option tables, the CLI's flag tables, and fixture reports. */
export async function loadContext(dir) {
  const { loadRegistry } = await dist('src/core/registry.js');
  const { COMMON_FLAGS } = await dist('src/cli/common.js');
  const { SUITE_FLAGS } = await dist('src/cli/commands/suite.js');
  const { COMPARE_FLAGS } = await dist('src/cli/commands/compare.js');
  const { flagsOf } = await dist('src/cli/flags.js');
  const { parseOptionValue } = await dist('src/core/options.js');
  const accepts = (spec, v) => {
    try {
      parseOptionValue('--x', spec, v);
      return true;
    } catch {
      return false;
    }
  };
  const reg = await loadRegistry();
  const labs = reg.labs.map((e) => ({ id: e.id, slug: e.slug, hosts: [...(e.lab.hosts ?? [e.lab.host])], options: e.lab.options }));
  const fix = path.join(ROOT, 'test/fixtures/reports');
  const reportText = readFileSync(path.join(fix, 'lab1-run1.json'), 'utf8');
  return {
    dir,
    seq: 0,
    labs,
    ids: new Set([...reg.labs.map((l) => l.id), ...reg.broken.map((b) => b.id)]),
    slugs: new Set([...reg.labs.map((l) => l.slug), ...reg.broken.map((b) => b.slug)]),
    common: COMMON_FLAGS,
    suite: SUITE_FLAGS,
    compare: COMPARE_FLAGS,
    knownFlags: (table, negatable) => flagsOf(table, { negatable }),
    accepts,
    files: { report: path.join(fix, 'lab1-run1.json'), report2: path.join(fix, 'lab1-run2.json'), suite: path.join(fix, 'suite-1-2.json') },
    reports: { report: JSON.parse(reportText), reportText, suite: JSON.parse(readFileSync(path.join(fix, 'suite-1-2.json'), 'utf8')) },
  };
}

export const KINDS = Object.keys(GEN);

/** `count` cases from `seed`: each {id, kind, args, files}. Files are written by runCase. */
export function generate(ctx, seed, count) {
  const r = random(seed);
  const cases = [];
  // Hostile files and bad values weigh more than the simple kinds.
  const weights = { 'compare-file': 4, 'lab-option-value': 3, 'lab-common-value': 2, suite: 2 };
  const bag = KINDS.flatMap((k) => Array(weights[k] ?? 1).fill(k));
  // Every kind once first (a kind may find nothing to do for the lab it drew: it tries again), then at random.
  const firsts = [...KINDS];
  let tries = 0;
  while (cases.length < count) {
    const kind = firsts.length && tries < 50 * KINDS.length ? firsts[0] : r.pick(bag);
    tries++;
    const out = GEN[kind](r, ctx);
    if (!out) continue;
    const c = Array.isArray(out) ? { args: out, files: [] } : out;
    if (c.args.some((a) => HELPISH.has(a) || a.includes('\0'))) continue;
    if (firsts[0] === kind) firsts.shift();
    cases.push({ id: cases.length, seed, kind, args: c.args, files: c.files });
  }
  return cases;
}

// ---------------------------------------------------------------------------
// Running and checking a case

function materialize(dir, files) {
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const p = path.join(dir, f.name);
    if (f.fifo) execFileSync('mkfifo', [p]);
    else writeFileSync(p, f.content);
  }
}

function cleanup(dir, files) {
  for (const f of files) rmSync(path.join(dir, f.name), { force: true });
}

/** CPU time (ms) of this process's children that have been waited for, from /proc/self/stat (cutime + cstime). */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[13]) + Number(f[14])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** CPU time all CPUs spent busy since boot (ms), from /proc/stat; null where there is none. */
function machineBusyMs() {
  try {
    const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
    return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
  } catch {
    return null;
  }
}

function spawnCli(args, env, bin = BIN, cwd = ROOT) {
  const t0 = process.hrtime.bigint();
  const busy0 = machineBusyMs();
  const kids0 = childrenCpuMs();
  const self0 = process.cpuUsage();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let killed = false;
    let hard;
    // Past the limit: SIGTERM first, so that conc stops whatever it started
    // (had a case wrongly started a lab), then SIGKILL.
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGTERM');
      hard = setTimeout(() => child.kill('SIGKILL'), 3000);
    }, KILL_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(hard);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      // Exact only when this case ran alone (the re-runs do): then the case's CPU
      // is our children's, and everything else the machine did is others' load.
      const kids1 = childrenCpuMs();
      const busy1 = machineBusyMs();
      const self = process.cpuUsage(self0);
      const cpuMs = kids0 === null || kids1 === null ? null : kids1 - kids0;
      const othersCores =
        busy0 === null || busy1 === null || cpuMs === null ? null : Math.max(0, busy1 - busy0 - cpuMs - (self.user + self.system) / 1000) / ms;
      resolve({ code, signal, stdout, stderr, killed, ms, cpuMs, othersCores });
    });
  });
}

/** What is wrong with a result; empty when the case passed. */
export function problems(res) {
  const p = [];
  if (res.killed) p.push(`hung: killed after ${KILL_MS / 1000} s`);
  else if (res.code !== 2) p.push(`exit ${res.code ?? res.signal}, not 2`);
  if (res.stdout !== '') p.push(`stdout not empty (${JSON.stringify(res.stdout.slice(0, 80))})`);
  const lines = res.stderr.split('\n');
  if (!(lines.length === 2 && lines[1] === '')) p.push(`stderr is ${lines.length - (lines.at(-1) === '' ? 1 : 0)} lines, not 1`);
  if (!res.stderr.startsWith('conc: ')) p.push('stderr does not start with "conc: "');
  if (/\n\s+at /.test(res.stderr) || /internal error/.test(res.stderr)) p.push('stack trace or internal error');
  if (!res.killed && res.ms > LIMIT_MS) p.push(`took ${Math.round(res.ms)} ms (limit ${LIMIT_MS})`);
  return p;
}

const onlySlow = (p) => p.length === 1 && p[0].startsWith('took ');

/** Cores of others' load above which a case's time is not judged (on 2 cores: one of them taken). */
export const BUSY_CORES = 1;

async function attempt(c, dir, env, bin) {
  materialize(dir, c.files);
  try {
    // In the scratch directory: a relative path in a case (an --out a build wrongly accepts) lands there.
    return await spawnCli(c.args, env, bin, dir);
  } finally {
    cleanup(dir, c.files);
  }
}

function cliEnv() {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.CONC_LABS_DIR;
  return env;
}

/** Run one case once. */
export async function runCase(c, o) {
  const res = await attempt(c, o.dir, cliEnv(), o.bin);
  return { ...c, files: c.files.map((f) => f.name), ...res, attempts: 1, slowUnderLoad: false, problems: problems(res) };
}

/**
 * Run cases `jobs` at a time; onResult sees each as it ends. A case that
 * failed only its time limit is then run again, alone, up to `retries` times:
 * a busy machine slows a start-up, which is not the CLI's doing. If it is
 * still slow, it fails, unless others' load (from /proc/stat, less the CPU of
 * the case and of this process) was at least BUSY_CORES while the case's own
 * CPU time stayed within the limit: then it is counted as slow under load.
 */
export async function runCases(cases, o = {}) {
  const jobs = o.jobs ?? 2;
  const retries = o.retries ?? 2;
  const results = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await runCase(cases[i], o);
      if (!onlySlow(results[i].problems)) o.onResult?.(results[i]);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const env = cliEnv();
  for (const [i, r] of results.entries()) {
    if (!onlySlow(r.problems)) continue;
    let res = r;
    let p = r.problems;
    let n = 1;
    while (onlySlow(p) && n <= retries) {
      res = await attempt(cases[i], o.dir, env, o.bin);
      p = problems(res);
      n++;
    }
    const excused = onlySlow(p) && res.othersCores !== null && res.othersCores >= BUSY_CORES && res.cpuMs !== null && res.cpuMs <= LIMIT_MS;
    results[i] = { ...r, ...res, files: r.files, attempts: n, slowUnderLoad: excused, problems: excused ? [] : p };
    o.onResult?.(results[i]);
  }
  return results;
}

/** Figures of a run: cases, failures, time per case (median, p95, max, in ms). */
export function figures(results) {
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const q = (f) => ms[Math.min(ms.length - 1, Math.floor(f * ms.length))] ?? 0;
  const byKind = {};
  for (const r of results) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  return {
    cases: results.length,
    failures: results.filter((r) => r.problems.length).length,
    retried: results.filter((r) => r.attempts > 1).length,
    slowUnderLoad: results.filter((r) => r.slowUnderLoad).length,
    medianMs: q(0.5),
    p95Ms: q(0.95),
    maxMs: ms.at(-1) ?? 0,
    byKind,
  };
}

/** A failure in one line, enough to reproduce it. */
export function describeFailure(r) {
  const show = (a) => JSON.stringify(a.length > 200 ? `${a.slice(0, 200)}…(${a.length} chars)` : a);
  const load = r.cpuMs === null || r.cpuMs === undefined ? '' : ` (own CPU ${Math.round(r.cpuMs)} ms, others' load ${r.othersCores?.toFixed(1)} cores)`;
  return `case ${r.id} (seed ${r.seed}, ${r.kind}): conc ${r.args.map(show).join(' ')} → ${r.problems.join('; ')}${load}; stderr: ${show(r.stderr)}`;
}
