// The dev PKI in certs-dev/: every certificate the demo and the tests use, built from pki.ts, written
// idempotently (a manifest of facts per file) behind `npm run certs` and `npm start`.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pemBlocks, readCertificate, subjectId } from './certificate.js';
import { type Ca, type Issued, createCa, createCrl, DAY, issueClientCert, issueServerCert } from './pki.js';
import { type KeyType, generateKey } from './x509-builder.js';
import { displaySerial } from './serial.js';
export const DEV_P12_PASSWORD = 'certgate';
export const DEV_CLIENT_NAMES = ['demo', 'demo-ec', 'demo-api', 'expired', 'not-yet-valid', 'unregistered', 'revoked', 'foreign'] as const;
export type DevClientName = (typeof DEV_CLIENT_NAMES)[number];
/** Plain valid client certificates added to the dev PKI later, issued into an existing certs-dev/. */
const LATER_CLIENT_NAMES: readonly DevClientName[] = ['demo-api'];
export const DEV_OPERATOR = 'demo-operator';

export interface DevPki {
  ca: Ca;
  foreignCa: Ca;
  server: Issued;
  serverEc: Issued;
  clients: Record<DevClientName, Issued>;
  crlPem: string;
}

export interface ManifestEntry {
  file: string;
  serial: string;
  displaySerial: string;
  notBefore: string;
  notAfter: string;
  issuerId: string;
  subject: string;
}
/** certificate name (ca, foreign-ca, server, server-ec, demo, …) → facts. */
export type DevPkiManifest = Record<string, ManifestEntry>;

/** Every dev certificate in memory. `shareLeafKeys` reuses one key per type for leaves (fast tests). */
export function buildDevPki(opts: { shareLeafKeys?: boolean } = {}): DevPki {
  const now = Date.now();
  const ca = createCa({ commonName: 'certgate dev client CA' });
  const foreignCa = createCa({ commonName: 'untrusted foreign CA', organization: 'somewhere else' });
  const rsaKey = opts.shareLeafKeys ? generateKey('rsa') : undefined;
  const ecKey = opts.shareLeafKeys ? generateKey('ec') : undefined;
  const client = (issuer: Ca, name: string, keyType: KeyType, extra: { notBefore?: Date; notAfter?: Date } = {}) => {
    const key = keyType === 'ec' ? ecKey : rsaKey;
    return issueClientCert(issuer, {
      commonName: `certgate ${name}`,
      organization: DEV_OPERATOR,
      keyType,
      p12Password: DEV_P12_PASSWORD,
      ...extra,
      ...(key ? { key } : {}),
    });
  };
  const clients: Record<DevClientName, Issued> = {
    demo: client(ca, 'demo', 'rsa'),
    'demo-ec': client(ca, 'demo-ec', 'ec'),
    // A business operator's system: registered with --usage api, it opens the API routes only.
    'demo-api': client(ca, 'demo-api', 'rsa'),
    expired: client(ca, 'expired', 'rsa', { notBefore: new Date(now - 731 * DAY), notAfter: new Date(now - DAY) }),
    'not-yet-valid': client(ca, 'not-yet-valid', 'rsa', { notBefore: new Date(now + 180 * DAY), notAfter: new Date(now + 910 * DAY) }),
    unregistered: client(ca, 'unregistered', 'rsa'),
    revoked: client(ca, 'revoked', 'rsa'),
    foreign: client(foreignCa, 'foreign', 'rsa'),
  };
  const hosts = ['localhost', '127.0.0.1', '::1'];
  return {
    ca,
    foreignCa,
    server: issueServerCert(ca, { hosts, ...(rsaKey ? { key: rsaKey } : {}) }),
    serverEc: issueServerCert(ca, { hosts, keyType: 'ec', ...(ecKey ? { key: ecKey } : {}) }),
    clients,
    crlPem: createCrl(ca, [clients.revoked.serial]),
  };
}

function entry(file: string, der: Buffer): ManifestEntry {
  const f = readCertificate(der);
  return {
    file,
    serial: f.serial,
    displaySerial: displaySerial(f.serial),
    notBefore: f.notBefore.toISOString(),
    notAfter: f.notAfter.toISOString(),
    issuerId: f.issuerId,
    subject: f.subject,
  };
}

export function devPkiManifest(pki: DevPki): DevPkiManifest {
  const manifest: DevPkiManifest = {
    ca: entry('ca.crt', pki.ca.der),
    'foreign-ca': entry('foreign-ca.crt', pki.foreignCa.der),
    server: entry('server.crt', pki.server.der),
    'server-ec': entry('server-ec.crt', pki.serverEc.der),
  };
  for (const name of DEV_CLIENT_NAMES) manifest[name] = entry(`${name}.crt`, pki.clients[name].der);
  return manifest;
}

function writeAtomic(file: string, data: string | Buffer, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
}

/** Write every file of `pki` into `dir`; ca.crt goes last so its presence means "complete". */
export function writeDevPki(dir: string, pki: DevPki): DevPkiManifest {
  mkdirSync(dir, { recursive: true });
  const manifest = devPkiManifest(pki);
  writeAtomic(join(dir, 'ca.key'), pki.ca.keyPem, 0o600);
  writeAtomic(join(dir, 'foreign-ca.crt'), pki.foreignCa.certPem);
  for (const [name, cert] of [['server', pki.server], ['server-ec', pki.serverEc]] as const) {
    writeAtomic(join(dir, `${name}.crt`), cert.certPem);
    writeAtomic(join(dir, `${name}.key`), cert.keyPem, 0o600);
  }
  for (const name of DEV_CLIENT_NAMES) {
    const c = pki.clients[name];
    writeAtomic(join(dir, `${name}.crt`), c.certPem);
    writeAtomic(join(dir, `${name}.key`), c.keyPem, 0o600);
    if (c.p12) writeAtomic(join(dir, `${name}.p12`), c.p12, 0o600);
  }
  writeAtomic(join(dir, 'crl.pem'), pki.crlPem);
  writeAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeAtomic(join(dir, 'ca.crt'), pki.ca.certPem);
  return manifest;
}

function readManifest(dir: string): DevPkiManifest | undefined {
  if (!existsSync(join(dir, 'ca.crt'))) return undefined;
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as DevPkiManifest;
  } catch {
    return undefined; // missing or damaged: regenerate everything
  }
}

/** Create the dev PKI in `dir` unless it is already there (ca.crt + manifest.json), or when forced. */
export function generateDevPki(dir: string, opts: { force?: boolean } = {}): DevPkiManifest {
  const existing = opts.force ? undefined : readManifest(dir);
  if (existing) return completeDevPki(dir, existing);
  mkdirSync(dir, { recursive: true });
  // `npm start` and `npm run certs` may race: a lock directory keeps one generation from mixing with another.
  const lock = join(dir, '.generating');
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true }); // stale lock of a killed run
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    const done = opts.force ? undefined : readManifest(dir);
    return done ?? writeDevPki(dir, buildDevPki());
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A dev PKI written by an older certgate lacks the newer client certificates (e.g. demo-api):
 * issue just those from the existing CA, so earlier imports into browsers stay valid.
 */
function completeDevPki(dir: string, manifest: DevPkiManifest): DevPkiManifest {
  // Only certificates added after the first release; the others' validity windows are special.
  const missing = LATER_CLIENT_NAMES.filter((name) => !manifest[name]);
  if (missing.length === 0 || !existsSync(join(dir, 'ca.key'))) return manifest;
  const certPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
  const der = pemBlocks(certPem, ['CERTIFICATE'])[0];
  if (!der) return manifest;
  const ca: Ca = { certPem, keyPem: readFileSync(join(dir, 'ca.key'), 'utf8'), der, id: subjectId(der) };
  const updated = { ...manifest };
  for (const name of missing) {
    const c = issueClientCert(ca, { commonName: `certgate ${name}`, organization: DEV_OPERATOR, p12Password: DEV_P12_PASSWORD });
    writeAtomic(join(dir, `${name}.crt`), c.certPem);
    writeAtomic(join(dir, `${name}.key`), c.keyPem, 0o600);
    if (c.p12) writeAtomic(join(dir, `${name}.p12`), c.p12, 0o600);
    updated[name] = entry(`${name}.crt`, c.der);
  }
  writeAtomic(join(dir, 'manifest.json'), `${JSON.stringify(updated, null, 2)}\n`);
  return updated;
}
