// The client certificate's DER of one TLS connection, read from OpenSSL's serialised session rather than
// through getPeerX509Certificate(): the latter duplicates the certificate and OpenSSL 3 decodes its
// public key again (about 0.12 ms per new connection); the session already carries the same bytes.
import type { TLSSocket } from 'node:tls';
import { derHeader } from './asn1.js';

/** SSL_SESSION's `peer [3] EXPLICIT Certificate OPTIONAL` (OpenSSL ssl/ssl_asn1.c): constructed, context tag 3. */
const PEER_TAG = 0xa3;
const SEQUENCE = 0x30;

/**
 * The peer certificate inside a serialised SSL_SESSION: a copy of its DER, null when the session
 * records none (the client presented no certificate), undefined when the bytes are not a session.
 */
export function peerDerOfSession(session: Buffer): Buffer | null | undefined {
  try {
    const top = derHeader(session, 0);
    if (top.tag !== SEQUENCE || top.end !== session.length) return undefined;
    for (let pos = top.contentStart; pos < top.end; ) {
      const field = derHeader(session, pos);
      if (field.tag === PEER_TAG) {
        const cert = derHeader(session, field.contentStart);
        if (cert.tag !== SEQUENCE || cert.end !== field.end) return undefined;
        // A copy: the session also holds the master secret, which must not stay reachable from a cache.
        return Buffer.from(session.subarray(field.contentStart, cert.end));
      }
      pos = field.end;
    }
    return null;
  } catch {
    return undefined;
  }
}

/**
 * The DER of the certificate OpenSSL verified for `socket` (the same one getPeerCertificate reports,
 * also on a resumed session), or undefined when the client presented none.
 */
export function peerCertificateDer(socket: TLSSocket): Buffer | undefined {
  const session = socket.getSession();
  if (session) {
    const der = peerDerOfSession(session);
    // Do not leave the session's master secret lying in the heap until the next collection.
    session.fill(0);
    if (der) return der;
  }
  // No session, an unexpected layout, or a session without a certificate: ask OpenSSL through the
  // documented call (cheap when there is no certificate, so "none" is always OpenSSL's own answer).
  const raw = socket.getPeerX509Certificate()?.raw;
  return raw && raw.length > 0 ? raw : undefined;
}
