// Sending gateway pages: status, HTML, and the frame (language, CSRF token, user, banner) every page gets.
import { csrfTokenFor } from './csrf-token.js';
import type { CertBanner, Lang } from './facts.js';
import type { GatewayDeps } from './deps.js';
import type { GatewayContext } from './state.js';

/** What every page is rendered with (src/pages names it PageFrame). */
export interface Frame {
  lang: Lang;
  csrfToken?: string;
  user?: { id: string; name: string };
  /** daysLeft counts calendar days in the zone: 0 on the last day, negative once expired. */
  banner?: CertBanner;
  /** CERTGATE_TIME_ZONE (default Asia/Tokyo): every date on the page is shown in it. */
  timeZone?: string;
  path?: string;
}

export function sendPage(ctx: GatewayContext, status: number, html: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  // Gateway pages carry per-user state (CSRF token, user name): never cached anywhere.
  ctx.set('Cache-Control', 'no-store');
  ctx.body = html;
}

export function pageFrame(ctx: GatewayContext, deps: GatewayDeps, options: { csrf?: boolean } = {}): Frame {
  // The path lets the language switch keep the page and its query.
  const frame: Frame = { lang: ctx.state.lang, path: ctx.url, timeZone: deps.config.timeZone };
  const session = ctx.state.session;
  if (session) frame.user = { id: session.userId, name: session.name };
  if (ctx.state.banner) frame.banner = ctx.state.banner;
  // Pages shown to a client whose certificate was refused get no token: nothing may be posted.
  if (options.csrf ?? true) frame.csrfToken = csrfTokenFor(ctx, deps);
  return frame;
}
