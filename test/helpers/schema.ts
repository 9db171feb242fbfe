/** Validate a report (or suite) against the JSON Schema in schema/; used by every lab's test. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { ROOT } from './run-lab.js';

const ajv = new Ajv({ allErrors: true, strict: false });
// The schemas' one format (ajv checks none by itself, and warns): an ISO 8601 date and time, as toISOString writes it.
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

function validator(name: string): ReturnType<typeof ajv.compile> {
  let v = validators.get(name);
  if (!v) {
    // The suite and compare schemas refer to the report schema's definitions: register it first.
    if (name !== 'conc.report.schema.json') validator('conc.report.schema.json');
    v = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'schema', name), 'utf8')) as object);
    validators.set(name, v);
  }
  return v;
}

/** Returns the schema errors as readable lines (empty when valid); JSON round-trip first, as a file would be. */
export function schemaErrors(doc: unknown, schemaFile = 'conc.report.schema.json'): string[] {
  const v = validator(schemaFile);
  const ok = v(JSON.parse(JSON.stringify(doc)));
  return ok ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
