// Bulk data for the registry measurements: a CSV for `serial import`, and many registrations written
// straight into the registry hash with pipelined HSETs (the CLI would take far longer for a million).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { keys } from '../src/store/keys.js';
import { scanKeys } from '../src/store/scan.js';
import { primaries, type Store } from '../src/store/store.js';
import { encodeRegistration } from '../src/registry/registration.js';

/** A 16-byte serial (what public CAs issue) with the high bit clear, upper-case hex. */
const randomSerial = (): string => {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x10;
  return b.toString('hex').toUpperCase();
};

/** The forms operators paste: OpenSSL's colon form, Windows' spaced lower case, bare hex. */
const printed = (serial: string, n: number): string => {
  const pairs = serial.match(/../g) ?? [];
  if (n % 3 === 0) return pairs.join(':');
  if (n % 3 === 1) return pairs.join(' ').toLowerCase();
  return serial;
};

export async function writeImportCsv(file: string, rows: number, operatorId: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('serial,operator,not_after,label\n');
  const notAfter = new Date(Date.now() + 700 * 86_400_000).toISOString().slice(0, 10);
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${printed(randomSerial(), i)},${operatorId},${notAfter},bench import ${i}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export interface FillResult {
  added: number;
  ms: number;
  /** A sample of what was written, for lookups of registered serials. */
  sample: Array<[string, string]>;
}

export async function fillRegistry(redis: Store, issuerId: string, operatorId: string, count: number, sampleSize = 2000): Promise<FillResult> {
  const started = Date.now();
  const notAfter = Date.now() + 700 * 86_400_000;
  const addedAt = Date.now();
  const sample: Array<[string, string]> = [];
  const perCommand = 1000;
  const perPipeline = 20;
  let added = 0;
  // One key per certificate, on its own slot: parallel SETs (a pipeline may not span Cluster slots).
  while (added < count) {
    const batch: Array<Promise<unknown>> = [];
    for (let i = 0; i < perCommand * perPipeline && added < count; i++, added++) {
      const serial = randomSerial();
      if (added % Math.ceil(count / sampleSize) === 0) sample.push([issuerId, serial]);
      batch.push(redis.set(keys.registration(issuerId, serial), encodeRegistration({ issuerId, serial, operatorId, notAfter, addedAt, label: `bench ${added}` })));
    }
    await Promise.all(batch);
  }
  return { added, ms: Date.now() - started, sample };
}

export async function usedMemory(redis: Store): Promise<number> {
  // Summed over every primary (one on a single server or Sentinel, each master of a Cluster).
  let total = 0;
  for (const node of primaries(redis)) total += Number(/used_memory:(\d+)/.exec(await node.info('memory'))?.[1] ?? Number.NaN);
  return total;
}

/** Registrations in the store (SCAN on every primary; keys only). */
export async function registrationCount(redis: Store): Promise<number> {
  let n = 0;
  await scanKeys(redis, keys.registrationPattern, (found) => {
    n += found.length;
  }, 5000);
  return n;
}
