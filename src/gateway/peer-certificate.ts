// What the TLS layer says about the client certificate of one socket, computed once per socket
// (parse once, check every request). Renegotiation is disabled on every socket, so the certificate
// cannot change under the cached facts. The parsed facts are also kept per DER hash, so the next
// connection with the same certificate does not parse it again.
import { hash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { readCertificate, type CertificateFacts } from '../tls/certificate.js';
import { findIssuingCa, type TrustedCa } from '../tls/trusted-cas.js';
import { peerCertificateDer } from '../tls/peer-der.js';

export type PeerCertificate =
  | { present: false }
  | {
      present: true;
      authorized: boolean;
      authorizationError: string | undefined;
      /** Signature checked against the configured client CAs (OpenSSL may report expiry over an unknown issuer). */
      issuedByTrustedCa: boolean;
      facts: CertificateFacts | undefined;
      /** The certificate as presented (OCSP requests and distribution points are built from it). */
      der: Buffer;
    };

/**
 * Facts parsed from a certificate's DER, by SHA-256 of the DER: a pure function of the bytes, so an
 * entry never goes stale (trust, expiry and revocation are decided per request, not cached here).
 * Bounded to `FACTS_CACHE_MAX` certificates, least recently used evicted first.
 */
export const FACTS_CACHE_MAX = 4096;
const factsByDer = new Map<string, CertificateFacts | null>();

/** Parsed facts of `der` (undefined when undecodable), from the DER-hash cache when present. */
export function factsOf(der: Buffer): CertificateFacts | undefined {
  // One-shot hash: no Hash object per new connection.
  const key = hash('sha256', der, 'base64');
  const hit = factsByDer.get(key);
  if (hit !== undefined) {
    factsByDer.delete(key);
    factsByDer.set(key, hit);
    return hit ?? undefined;
  }
  let facts: CertificateFacts | null;
  try {
    // Shared by every socket presenting this certificate: nobody may change it.
    facts = Object.freeze(readCertificate(der));
  } catch {
    facts = null; // undecodable: treated as untrusted by the gate
  }
  factsByDer.set(key, facts);
  if (factsByDer.size > FACTS_CACHE_MAX) {
    const oldest = factsByDer.keys().next().value;
    if (oldest !== undefined) factsByDer.delete(oldest);
  }
  return facts ?? undefined;
}

/** How many certificates the DER-hash cache holds (tests check its bound). */
export const factsCacheSize = (): number => factsByDer.size;

const cache = new WeakMap<TLSSocket, PeerCertificate>();

export function peerCertificateOf(socket: TLSSocket, trustedCas: readonly TrustedCa[]): PeerCertificate {
  const cached = cache.get(socket);
  if (cached) return cached;
  const info = inspect(socket, trustedCas);
  cache.set(socket, info);
  return info;
}

function inspect(socket: TLSSocket, trustedCas: readonly TrustedCa[]): PeerCertificate {
  // The DER alone, from the TLS session: getPeerCertificate() would build the whole decoded object
  // and getPeerX509Certificate() makes OpenSSL decode the certificate again (see tls/peer-der.ts).
  const raw = peerCertificateDer(socket);
  // A resumed TLS 1.3 session may report `authorized` with no certificate at all.
  if (!raw) return { present: false };
  const facts = factsOf(raw);
  const authorizationError = socket.authorizationError ? String(socket.authorizationError) : undefined;
  // OpenSSL has verified the chain against the same CA file when it says `authorized`; the
  // signature check (about 0.2 ms) is only needed to tell an untrusted certificate from an expired
  // one, and is made against the CAs of this call (they change on a reload), never cached.
  const issuedByTrustedCa = socket.authorized || findIssuingCa([...trustedCas], raw) !== undefined;
  return { present: true, authorized: socket.authorized, authorizationError, issuedByTrustedCa, facts, der: raw };
}
