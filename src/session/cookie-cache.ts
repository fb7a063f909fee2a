// The verified session cookie of each client socket: a keep-alive connection sends the same cookie
// with every request, so its HMAC is checked once and the result reused while the value is unchanged.
// Bound: one entry per open socket, dropped with the socket. Exact: the verdict is a pure function of
// the cookie value (and the process's cookie key), so a changed value is verified again.
import type { Socket } from 'node:net';
import { readCookie } from '../kernel/cookies.js';
import { SESSION_COOKIE, decodeSessionCookie } from './cookie.js';

type Decoded = { userId: string; sid: string } | undefined;

const bySocket = new WeakMap<Socket, { value: string; decoded: Decoded }>();

export function sessionCookieOn(socket: Socket, cookieHeader: string | undefined, secret: Buffer): Decoded {
  const value = readCookie(cookieHeader, SESSION_COOKIE);
  if (value === undefined) return undefined;
  const hit = bySocket.get(socket);
  if (hit && hit.value === value) return hit.decoded;
  const decoded = decodeSessionCookie(secret, value);
  bySocket.set(socket, { value, decoded });
  return decoded;
}
