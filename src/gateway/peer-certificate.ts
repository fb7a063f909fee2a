// What the TLS layer says about the client certificate of one socket, computed once per socket
// (DESIGN: parse once, check every request). Renegotiation is disabled on every socket, so the
// certificate cannot change under the cached facts.
import type { TLSSocket } from 'node:tls';
import { readCertificate, type CertificateFacts } from '../tls/certificate.js';
import { findIssuingCa, type TrustedCa } from '../tls/trusted-cas.js';

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

const cache = new WeakMap<TLSSocket, PeerCertificate>();

export function peerCertificateOf(socket: TLSSocket, trustedCas: readonly TrustedCa[]): PeerCertificate {
  const cached = cache.get(socket);
  if (cached) return cached;
  const info = inspect(socket, trustedCas);
  cache.set(socket, info);
  return info;
}

function inspect(socket: TLSSocket, trustedCas: readonly TrustedCa[]): PeerCertificate {
  const peer = socket.getPeerCertificate();
  // A resumed TLS 1.3 session may report `authorized` with an empty certificate object.
  if (!peer || !peer.raw || peer.raw.length === 0) return { present: false };
  let facts: CertificateFacts | undefined;
  try {
    facts = readCertificate(peer.raw);
  } catch {
    facts = undefined; // undecodable: treated as untrusted by the gate
  }
  const authorizationError = socket.authorizationError ? String(socket.authorizationError) : undefined;
  // OpenSSL has verified the chain against the same CA file when it says `authorized`; the
  // signature check (about 0.2 ms) is only needed to tell an untrusted certificate from an expired one.
  const issuedByTrustedCa = socket.authorized || findIssuingCa([...trustedCas], peer.raw) !== undefined;
  return { present: true, authorized: socket.authorized, authorizationError, issuedByTrustedCa, facts, der: peer.raw };
}
