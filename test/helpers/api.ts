// Shared by the API-route tests: register a certificate for a usage through the registry (the store
// layer, not raw keys), and read a problem+json answer.
import { Registry } from '../../src/registry/registry.js';
import type { Usage } from '../../src/registry/registration.js';
import { readCertificate } from '../../src/tls/certificate.js';
import type { Issued } from '../../src/tls/pki.js';
import type { TlsResponse } from './tls-client.js';
import { OPERATOR, type Stack } from './stack.js';

export async function registerFor(stack: Stack, cert: Issued, usage: Usage, operatorId = OPERATOR): Promise<void> {
  const facts = readCertificate(cert.der);
  await new Registry(stack.redis.client()).add(
    { issuerId: facts.issuerId, serial: facts.serial, operatorId, usage, notAfter: facts.notAfter.getTime(), addedAt: Date.now() },
    { replace: true },
  );
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  reason: string;
  detail: string;
}

/** The problem document of a response; throws when the answer is not problem+json. */
export function problemOf(res: TlsResponse): ProblemBody {
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) throw new Error(`not problem+json (${type}): ${res.body.slice(0, 200)}`);
  return JSON.parse(res.body) as ProblemBody;
}
