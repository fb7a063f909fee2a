// The session cookie: `<base64url userId>.<sid>.<HMAC>` — signed so a forged or edited cookie is
// rejected before any store lookup, and carrying the user ID so the lookup hits the user's slot.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isUserId } from '../store/user-id.js';

export const SESSION_COOKIE = '__Host-certgate-session';

/** 192 random bits, base64url (32 characters). */
export const newSessionId = (): string => randomBytes(24).toString('base64url');
const SID = /^[A-Za-z0-9_-]{32}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;

function mac(secret: Buffer, userId: string, sid: string): Buffer {
  return createHmac('sha256', secret).update(`certgate-session\n${userId}\n${sid}`).digest();
}

export function encodeSessionCookie(secret: Buffer, userId: string, sid: string): string {
  return `${Buffer.from(userId, 'utf8').toString('base64url')}.${sid}.${mac(secret, userId, sid).toString('base64url')}`;
}

export function decodeSessionCookie(secret: Buffer, value: string | undefined): { userId: string; sid: string } | undefined {
  if (!value || value.length > 200) return undefined;
  const parts = value.split('.');
  if (parts.length !== 3) return undefined;
  const [u, sid, signature] = parts as [string, string, string];
  if (!SID.test(sid) || !MAC.test(signature) || !/^[A-Za-z0-9_-]{1,88}$/.test(u)) return undefined;
  const userId = Buffer.from(u, 'base64url').toString('utf8');
  if (!isUserId(userId) || Buffer.from(userId, 'utf8').toString('base64url') !== u) return undefined;
  // Compared as text, not as decoded bytes: the last base64url character carries two unused bits, so
  // four spellings decode to the same MAC — only the one we issue is accepted (one cookie, one value).
  const expected = Buffer.from(mac(secret, userId, sid).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { userId, sid };
}

import { clearCookieHeader, setCookieHeader } from '../kernel/cookies.js';

export { clearCookieHeader, setCookieHeader };

export const sessionCookieHeader = (secret: Buffer, userId: string, sid: string): string =>
  setCookieHeader(SESSION_COOKIE, encodeSessionCookie(secret, userId, sid));
export const clearSessionCookieHeader = (): string => clearCookieHeader(SESSION_COOKIE);
