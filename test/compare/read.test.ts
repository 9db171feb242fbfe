/**
 * Reading compare's files at the edge: what is not a regular file, too big or
 * too deep is refused before it is read or walked (each was a hang or a stack
 * overflow that the fuzzer found); labels for the columns.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, ftruncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { MAX_DEPTH, MAX_FILE_BYTES, deeperThan, fileLabels, readCompareFile, readCompareFiles } from '../../src/compare/read.js';
import { ROOT } from '../helpers/run-lab.js';

const FIX = path.join(ROOT, 'test/fixtures/reports');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'conc-read-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function refused(file: string): string {
  try {
    readCompareFile(file);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`${file} was read`);
}

describe('readCompareFile', () => {
  it('reads a report and a suite', () => {
    const r = readCompareFile(path.join(FIX, 'lab1-run1.json'));
    expect(r.schema).toBe('conc.report/1');
    expect(r.reports.map((x) => x.lab.id)).toEqual([1]);
    const s = readCompareFile(path.join(FIX, 'suite-1-2.json'));
    expect(s.schema).toBe('conc.suite/1');
    expect(s.reports.map((x) => x.lab.id)).toEqual([1, 2]);
    expect(s.machine?.logicalCores).toBeGreaterThan(0);
  });

  it('refuses a FIFO without opening it (reading one blocks for ever)', () => {
    const fifo = path.join(tmp, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    expect(refused(fifo)).toBe(`${fifo}: is a FIFO, not a report file`);
  });

  it('refuses a device (/dev/zero never ends)', () => {
    expect(refused('/dev/zero')).toBe('/dev/zero: is a character device, not a report file');
    expect(refused('/dev/null')).toBe('/dev/null: is a character device, not a report file');
  });

  it('refuses a file larger than any report before reading it', () => {
    const big = path.join(tmp, 'big.json');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, MAX_FILE_BYTES + 1); // sparse: no disk, no time
    closeSync(fd);
    expect(refused(big)).toBe(`${big}: too big for a conc report (256.0 MiB; at most 256 MiB)`);
  });

  it('refuses a document nested deeper than any report, wherever the nesting is', () => {
    const text = readFileSync(path.join(FIX, 'lab1-run1.json'), 'utf8');
    const deep = path.join(tmp, 'deep.json');
    writeFileSync(deep, text.replace('"outputs": {', `"outputs": {"deep": ${'['.repeat(100_000)}${']'.repeat(100_000)},`));
    expect(refused(deep)).toBe(`${deep}: nested more than ${MAX_DEPTH} levels deep: not a conc report or suite`);
    writeFileSync(deep, '{"a":'.repeat(MAX_DEPTH + 1) + '1' + '}'.repeat(MAX_DEPTH + 1));
    expect(refused(deep)).toMatch(/nested more than 64 levels deep/);
  });

  it('reads every file given, with labels', () => {
    const files = readCompareFiles([path.join(FIX, 'lab1-run1.json'), path.join(FIX, 'lab1-run2.json')]);
    expect(files.map((f) => [f.label, f.schema, f.reports.length])).toEqual([
      ['lab1-run1.json', 'conc.report/1', 1],
      ['lab1-run2.json', 'conc.report/1', 1],
    ]);
  });
});

describe('deeperThan', () => {
  it('counts arrays and objects, without recursion', () => {
    expect(deeperThan(1, 0)).toBe(false);
    expect(deeperThan({}, 1)).toBe(false);
    expect(deeperThan({ a: [1] }, 1)).toBe(true);
    expect(deeperThan({ a: [1] }, 2)).toBe(false);
    let v: unknown = 1;
    for (let i = 0; i < 200_000; i++) v = [v];
    expect(deeperThan(v, 64)).toBe(true);
  });
});

describe('fileLabels', () => {
  it('are base names, else the paths, else numbered', () => {
    expect(fileLabels(['a/x.json', 'b/y.json'])).toEqual(['x.json', 'y.json']);
    expect(fileLabels(['a/x.json', 'b/x.json'])).toEqual(['a/x.json', 'b/x.json']);
    expect(fileLabels(['x.json', 'x.json'])).toEqual(['x.json', 'x.json #2']);
  });
});
