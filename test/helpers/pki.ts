// One dev PKI per test process (CA, server certs, every kind of client certificate, CRL), in memory
// and written to a temp dir, so every test file uses real certificates without paying for keygen twice.
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Ca, type Issued, issueClientCert } from '../../src/tls/pki.js';
import {
  DEV_CLIENT_NAMES,
  DEV_OPERATOR,
  DEV_P12_PASSWORD,
  type DevClientName,
  type DevPki,
  type DevPkiManifest,
  buildDevPki,
  writeDevPki,
} from '../../src/tls/dev-pki.js';
import { type TrustedCa, loadTrustedCas } from '../../src/tls/trusted-cas.js';

export { DEV_CLIENT_NAMES, DEV_OPERATOR, DEV_P12_PASSWORD };
export type { Ca, DevClientName, Issued };

export interface TestPki extends DevPki {
  /** Temp dir holding the same files `npm run certs` writes (ca.crt, server.key, demo.p12, crl.pem, …). */
  dir: string;
  manifest: DevPkiManifest;
  /** PKCS#12 password of every client .p12. */
  password: string;
  /** The trusted CA list as the gateway loads it from `<dir>/ca.crt`. */
  trustedCas: TrustedCa[];
  /** Absolute path of a file in `dir`, e.g. file('demo.p12'). */
  file(name: string): string;
  /** Another client certificate from the trusted CA (shared RSA key: fast), e.g. with a chosen serial. */
  issueClient(opts?: { commonName?: string; serialHex?: string; notBefore?: Date; notAfter?: Date; keyType?: 'rsa' | 'ec' }): Issued;
}

let cached: TestPki | undefined;

export function testPki(): TestPki {
  if (cached) return cached;
  const pki = buildDevPki({ shareLeafKeys: true });
  const dir = mkdtempSync(join(tmpdir(), 'certgate-pki-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const manifest = writeDevPki(dir, pki);
  const rsaKey = createPrivateKey(pki.clients.demo.keyPem);
  const ecKey = createPrivateKey(pki.clients['demo-ec'].keyPem);
  let n = 0;
  cached = {
    ...pki,
    dir,
    manifest,
    password: DEV_P12_PASSWORD,
    trustedCas: loadTrustedCas(join(dir, 'ca.crt')),
    file: (name: string) => join(dir, name),
    issueClient: (opts = {}) =>
      issueClientCert(pki.ca, {
        commonName: opts.commonName ?? `extra client ${++n}`,
        organization: DEV_OPERATOR,
        key: opts.keyType === 'ec' ? ecKey : rsaKey,
        p12Password: DEV_P12_PASSWORD,
        ...(opts.serialHex !== undefined ? { serialHex: opts.serialHex } : {}),
        ...(opts.notBefore ? { notBefore: opts.notBefore } : {}),
        ...(opts.notAfter ? { notAfter: opts.notAfter } : {}),
      }),
  };
  return cached;
}
