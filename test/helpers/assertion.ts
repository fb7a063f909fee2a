// Signs portal requests the way the gateway does (assertion v2), for tests that call the portal directly.
import { randomUUID } from 'node:crypto';
import { signUpstreamHeaders, webIdentityHeaders, type Identity } from '../../src/proxy/assertion.js';

export function signedHeaders(key: Buffer, method: string, target: string, identity: Identity, now = Date.now(), requestId = randomUUID()): Record<string, string> {
  return signUpstreamHeaders(
    key,
    { method, target, requestId, forwardedFor: '127.0.0.1', forwardedHost: 'portal.test:8443', forwardedProto: 'https' },
    webIdentityHeaders(identity),
    now,
  );
}
