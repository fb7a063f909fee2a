// Set-Cookie values for the gateway's `__Host-` cookies, written by hand: koa's cookie helper refuses
// `Secure` on a connection it does not recognise as TLS, and these attributes must never be left off.

const ATTRIBUTES = 'Path=/; Secure; HttpOnly; SameSite=Strict';

export const setCookieHeader = (name: string, value: string): string => `${name}=${value}; ${ATTRIBUTES}`;
export const clearCookieHeader = (name: string): string => `${name}=; ${ATTRIBUTES}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
