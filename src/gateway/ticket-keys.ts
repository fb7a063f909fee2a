// TLS session-ticket keys: random, rotated every CERTGATE_TLS_TICKET_ROTATION (12 h by default) and,
// with CERTGATE_WORKERS > 1, the same in every worker (the primary hands them out), so a ticket from
// one worker resumes on another. node:tls holds one key at a time: a ticket issued under the previous
// key is refused after a rotation and that client does one full handshake.

import { randomBytes } from 'node:crypto';

/** 48 bytes: the key material node:tls expects (name, HMAC key, AES key). */
export const newTicketKeys = (): Buffer => randomBytes(48);

/** Calls `apply` with fresh keys every `everyMs` (the timer does not keep the process alive); returns stop. */
export function rotateTicketKeys(everyMs: number, apply: (keys: Buffer) => void): () => void {
  const timer = setInterval(() => apply(newTicketKeys()), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
