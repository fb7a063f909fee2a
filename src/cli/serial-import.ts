// `serial import`: reads the CSV, validates every row (format, operator, dates, duplicates in the
// file and in the store) and reports every problem with its line before anything is written.
import { readFileSync } from 'node:fs';
import { errors } from '../errors/certgate-error.js';
import { OPERATOR_ID } from '../registry/operators.js';
import { isUsage, type Registration } from '../registry/registration.js';
import type { Registry } from '../registry/registry.js';
import { registryField } from '../store/keys.js';
import { displaySerial, normaliseSerial } from '../tls/serial.js';
import { parseCsv } from './csv.js';
import { parseDate } from './parse.js';

const REQUIRED = ['serial', 'operator', 'not_after'] as const;
const OPTIONAL = ['label', 'not_before', 'usage', 'issuer'] as const;
const COLUMNS = [...REQUIRED, ...OPTIONAL] as string[];

export interface ImportPlan {
  rows: Registration[];
  /** "line N: what is wrong", in line order. */
  problems: string[];
}

/** The file as text; refuses non-UTF-8 (Excel in Japan saves "CSV" as Shift_JIS by default). */
export function readCsvFile(file: string): string {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw errors.notFound(`cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (err as Error).message}); check the path`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw errors.inputInvalid(`${file} is not UTF-8 text; save it as "CSV UTF-8" (Excel) or convert it, e.g. \`iconv -f SHIFT_JIS -t UTF-8\``);
  }
}

export async function planImport(
  text: string,
  o: {
    /** Issuer of rows without an `issuer` cell (--issuer, or the only trusted CA); undefined when several are trusted. */
    issuerId: string | undefined;
    /** An `issuer` cell (CA file or SHA-256 fingerprint) → issuerId; throws a CertgateError naming the problem. */
    issuerOf?: (spec: string) => string;
    registry: Registry;
    now: number;
    addedBy: string;
    timeZone?: string;
  },
): Promise<ImportPlan> {
  const problems: Array<{ line: number; text: string }> = [];
  const problem = (line: number, msg: string) => problems.push({ line, text: `line ${line}: ${msg}` });
  const parsed = parseCsv(text);
  if (parsed.error) problem(parsed.error.line, parsed.error.message);
  const [header, ...records] = parsed.records;
  if (!header) {
    return { rows: [], problems: ['line 1: the file is empty; the first line must be the header serial,operator,not_after,label'] };
  }
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const index = new Map(names.map((n, i) => [n, i]));
  const bad = names.filter((n) => !COLUMNS.includes(n));
  const missing = REQUIRED.filter((n) => !index.has(n));
  if (bad.length > 0 || missing.length > 0 || index.size !== names.length) {
    const what = [
      ...bad.map((n) => `unknown column "${n}"`),
      ...missing.map((n) => `missing column "${n}"`),
      ...(index.size !== names.length ? ['a column appears twice'] : []),
    ].join(', ');
    problem(header.line, `${what}; the header must be serial,operator,not_after,label (optionally also not_before, usage, issuer)`);
    return { rows: [], problems: problems.map((p) => p.text) };
  }
  if (records.length === 0) problem(header.line + 1, 'no rows after the header; nothing to import');

  // 100,000 rows usually name one or two CAs: resolve each distinct cell once.
  const resolved = new Map<string, string>();
  const issuerOfCell = (cell: string): string => {
    let id = resolved.get(cell);
    if (id === undefined) {
      if (!o.issuerOf) throw new Error('an issuer column is not supported here');
      id = o.issuerOf(cell);
      resolved.set(cell, id);
    }
    return id;
  };
  const rows: Registration[] = [];
  const lineOf = new Map<string, number>();
  const rowLines: number[] = [];
  const get = (fields: string[], name: string) => {
    const i = index.get(name);
    return i === undefined ? '' : (fields[i] ?? '').trim();
  };
  for (const rec of records) {
    if (rec.fields.length !== names.length) {
      problem(rec.line, `${rec.fields.length} fields where the header has ${names.length}; quote fields that contain commas`);
      continue;
    }
    const rawSerial = get(rec.fields, 'serial');
    const operatorId = get(rec.fields, 'operator');
    const rawNotAfter = get(rec.fields, 'not_after');
    const rawNotBefore = get(rec.fields, 'not_before');
    const label = get(rec.fields, 'label');
    const rawUsage = get(rec.fields, 'usage').toLowerCase();
    const rawIssuer = get(rec.fields, 'issuer');
    const before = problems.length;
    // An empty usage cell is `web`, like a file without the column.
    if (rawUsage !== '' && !isUsage(rawUsage)) problem(rec.line, `usage "${get(rec.fields, 'usage')}" is not web or api`);
    let issuerId = o.issuerId;
    if (rawIssuer !== '') {
      try {
        issuerId = issuerOfCell(rawIssuer);
      } catch (err) {
        problem(rec.line, `issuer: ${(err as Error).message}`);
      }
    } else if (issuerId === undefined) {
      problem(rec.line, 'several client CAs are trusted: fill the issuer column (CA file or SHA-256 fingerprint) or give --issuer');
    }
    let serial = '';
    try {
      serial = normaliseSerial(rawSerial);
    } catch {
      problem(rec.line, `"${rawSerial}" is not a certificate serial; use hex digits, e.g. 0a:1b:2c or 0a1b2c`);
    }
    if (!OPERATOR_ID.test(operatorId)) problem(rec.line, `"${operatorId}" is not a valid operator id`);
    const notAfter = rawNotAfter === '' ? undefined : parseDate(rawNotAfter, 'end', o.timeZone);
    if (rawNotAfter !== '' && notAfter === undefined) problem(rec.line, `not_after "${rawNotAfter}" is not a date; use YYYY-MM-DD`);
    const notBefore = rawNotBefore === '' ? undefined : parseDate(rawNotBefore, 'start', o.timeZone);
    if (rawNotBefore !== '' && notBefore === undefined) problem(rec.line, `not_before "${rawNotBefore}" is not a date; use YYYY-MM-DD`);
    if (notBefore !== undefined && notAfter !== undefined && notBefore > notAfter) problem(rec.line, 'not_before is after not_after');
    if (serial && issuerId !== undefined) {
      const field = registryField(issuerId, serial);
      const first = lineOf.get(field);
      if (first !== undefined) problem(rec.line, `serial ${displaySerial(serial)} already appears on line ${first}`);
      else lineOf.set(field, rec.line);
    }
    if (problems.length > before || issuerId === undefined) continue;
    rows.push({
      issuerId,
      serial,
      operatorId,
      ...(label ? { label } : {}),
      ...(rawUsage === 'api' ? { usage: 'api' as const } : {}),
      ...(notBefore !== undefined ? { notBefore } : {}),
      ...(notAfter !== undefined ? { notAfter } : {}),
      addedAt: o.now,
      addedBy: o.addedBy,
    });
    rowLines.push(rec.line);
  }

  const known = await o.registry.operators.existing(rows.map((r) => r.operatorId));
  const existing = await o.registry.existing(rows.map((r) => registryField(r.issuerId, r.serial)));
  rows.forEach((r, i) => {
    const line = rowLines[i]!;
    if (!known.has(r.operatorId)) problem(line, `operator "${r.operatorId}" does not exist; create it with \`certgate operator add ${r.operatorId} --name <name>\``);
    if (existing.has(registryField(r.issuerId, r.serial))) problem(line, `serial ${displaySerial(r.serial)} is already registered; remove it first or drop the row`);
  });
  problems.sort((a, b) => a.line - b.line);
  return { rows, problems: problems.map((p) => p.text) };
}
