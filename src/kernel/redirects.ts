// 303 See Other for the auth flow: the browser follows with a GET, and nothing about the answer
// (it may set or clear the session cookie) is ever stored by a cache.
import type { GatewayContext } from './state.js';

export function seeOther(ctx: GatewayContext, location: string): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.status = 303;
  ctx.redirect(location);
}
