// Decides, from the TLS facts and the registry entry (revocation: tls/revocation.ts), whether a certificate may pass and,
// if not, which login-error reason the user sees (CONTRACT.md "login-error").
import { usageOf, type Registration, type Usage } from '../registry/registration.js';
import type { PeerCertificate } from './peer-certificate.js';

import type { CertReason } from '../pages/types.js';

export type { CertReason };

/** Reasons decided by TLS facts alone, before the registry is consulted. */
export function tlsVerdict(peer: PeerCertificate, now: number): CertReason | undefined {
  if (!peer.present) return 'cert-missing';
  const facts = peer.facts;
  if (!peer.issuedByTrustedCa || !facts) return 'cert-untrusted';
  if (!peer.authorized) {
    switch (peer.authorizationError) {
      case 'CERT_HAS_EXPIRED':
        return 'cert-expired';
      case 'CERT_NOT_YET_VALID':
        return 'cert-not-yet-valid';
      case 'CERT_REVOKED':
        return 'cert-revoked';
      default:
        return 'cert-untrusted';
    }
  }
  // Checked per request: a keep-alive connection can outlive the certificate.
  if (now > facts.notAfter.getTime()) return 'cert-expired';
  if (now < facts.notBefore.getTime()) return 'cert-not-yet-valid';
  return undefined;
}

/**
 * The registry's say, for a certificate the TLS layer accepted, on a route for `usage` clients:
 * a `web` certificate may not script the API, and a leaked `api` key file may not open the portal.
 */
export function registryVerdict(registration: Registration | undefined, now: number, usage: Usage = 'web'): CertReason | undefined {
  if (!registration) return 'cert-unregistered';
  // An administrator may register a shorter window than the certificate's own.
  if (registration.notAfter !== undefined && now > registration.notAfter) return 'cert-expired';
  if (registration.notBefore !== undefined && now < registration.notBefore) return 'cert-not-yet-valid';
  if (usageOf(registration) !== usage) return 'cert-wrong-usage';
  return undefined;
}
