// The identity headers of the last session seen on each client socket. A keep-alive connection
// sends one user's requests, so the header values (percent-encoded name, roles list, ISO expiry) are
// built once and reused while every field still equals the session record just read from the store.
// Bound: one entry per open socket, dropped with the socket; never stale, since every field is compared.
import type { Socket } from 'node:net';
import { webIdentityHeaders } from './assertion.js';
import type { CertificateFacts, SessionRecord } from '../kernel/facts.js';

interface Entry {
  userId: string;
  name: string;
  operatorId: string;
  roles: string[];
  serial: string;
  notAfter: number;
  headers: Record<string, string>;
}

const bySocket = new WeakMap<Socket, Entry>();

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function identityHeadersOf(socket: Socket, session: SessionRecord, cert: CertificateFacts): Record<string, string> {
  const hit = bySocket.get(socket);
  const notAfter = cert.notAfter.getTime();
  if (
    hit &&
    hit.userId === session.userId &&
    hit.name === session.name &&
    hit.operatorId === session.operatorId &&
    hit.serial === cert.serial &&
    hit.notAfter === notAfter &&
    sameRoles(hit.roles, session.roles)
  ) {
    return hit.headers;
  }
  const headers = webIdentityHeaders({
    user: session.userId,
    userName: session.name,
    operator: session.operatorId,
    roles: session.roles,
    certSerial: cert.serial,
    certNotAfter: cert.notAfter.toISOString(),
  });
  bySocket.set(socket, { userId: session.userId, name: session.name, operatorId: session.operatorId, roles: [...session.roles], serial: cert.serial, notAfter, headers });
  return headers;
}
