// Sending gateway pages: status, HTML, and the frame (language, CSRF token, user, banner) every page gets.
import type { PageFrame } from '../pages/gateway-pages.js';
import { csrfTokenFor } from '../auth/csrf.js';
import type { GatewayDeps } from './deps.js';
import type { GatewayContext } from './state.js';

export function sendPage(ctx: GatewayContext, status: number, html: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  // Gateway pages carry per-user state (CSRF token, user name): never cached anywhere.
  ctx.set('Cache-Control', 'no-store');
  ctx.body = html;
}

export function pageFrame(ctx: GatewayContext, deps: GatewayDeps, options: { csrf?: boolean } = {}): PageFrame {
  // The path lets the language switch keep the page and its query.
  const frame: PageFrame = { lang: ctx.state.lang, path: ctx.url, timeZone: deps.config.timeZone };
  const session = ctx.state.session;
  if (session) frame.user = { id: session.userId, name: session.name };
  if (ctx.state.banner) frame.banner = ctx.state.banner;
  // Pages shown to a client whose certificate was refused get no token: nothing may be posted.
  if (options.csrf ?? true) frame.csrfToken = csrfTokenFor(ctx, deps);
  return frame;
}
