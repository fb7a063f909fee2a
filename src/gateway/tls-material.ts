// Loads the listener's TLS material (server chain, key, client CAs, optional CRL) with messages
// that name the variable to fix.
import { readFileSync } from 'node:fs';
import { errors } from '../errors/certgate-error.js';
import { loadTrustedCas, type TrustedCa } from '../tls/trusted-cas.js';
import { loadCrl, type RevocationList } from '../tls/crl.js';
import type { Config } from '../config/config.js';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  trustedCas: TrustedCa[];
  crl: RevocationList | undefined;
}

function read(file: string, variable: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const hint = file.includes('certs-dev') ? ' (run `npm run certs` to create the dev certificates)' : '';
    throw errors.configInvalid(`${variable}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}${hint}`);
  }
}

export function loadTlsMaterial(config: Config): TlsMaterial {
  const cert = read(config.tls.certFile, 'CERTGATE_TLS_CERT');
  const key = read(config.tls.keyFile, 'CERTGATE_TLS_KEY');
  const ca = read(config.tls.clientCaFile, 'CERTGATE_CLIENT_CA');
  const trustedCas = loadTrustedCas(config.tls.clientCaFile);
  const crl = config.tls.crlFile ? loadCrl(read(config.tls.crlFile, 'CERTGATE_CRL'), trustedCas) : undefined;
  return { cert, key, ca, trustedCas, crl };
}
