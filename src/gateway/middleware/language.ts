// Picks the page language once per request: ?lang= wins, then Accept-Language, Japanese by default.
import { pickLang } from '../../pages/i18n.js';
import type { GatewayMiddleware } from '../../kernel/state.js';

export function language(): GatewayMiddleware {
  return async function languageMiddleware(ctx, next) {
    const q = ctx.query.lang;
    ctx.state.lang = pickLang(typeof q === 'string' ? q : undefined, ctx.get('Accept-Language') || undefined);
    await next();
  };
}
