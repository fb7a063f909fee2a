// Picks the page language once per request: ?lang= wins (and is remembered in a cookie, so the
// choice survives the login and every later page), then that cookie, then Accept-Language, Japanese by default.
import { LANG_COOKIE, chooseLang, langCookieHeader } from '../../pages/i18n.js';
import type { GatewayMiddleware } from '../state.js';

export function language(): GatewayMiddleware {
  return async function languageMiddleware(ctx, next) {
    const choice = chooseLang(ctx.query.lang, ctx.cookies.get(LANG_COOKIE), ctx.get('Accept-Language') || undefined);
    ctx.state.lang = choice.lang;
    if (choice.remember) ctx.append('Set-Cookie', langCookieHeader(choice.lang));
    await next();
  };
}
