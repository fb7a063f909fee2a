// Koa middleware answering GET/HEAD <prefix><name> from src/pages/assets.ts (304 on a matching ETag).
import type { Context, Next } from 'koa';
import { ASSET_CACHE_CONTROL, getAsset } from './assets.js';

export function serveAssets(prefix: '/auth/assets/' | '/assets/') {
  return async function assets(ctx: Context, next: Next): Promise<void> {
    if (!ctx.path.startsWith(prefix) || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const found = getAsset(ctx.path.slice(prefix.length));
    if (!found) return next();
    ctx.set('Cache-Control', ASSET_CACHE_CONTROL);
    ctx.set('ETag', found.etag);
    ctx.set('X-Content-Type-Options', 'nosniff');
    const inm = ctx.get('If-None-Match');
    if (inm && inm.split(',').some((t) => t.trim() === found.etag || t.trim() === `W/${found.etag}`)) {
      ctx.status = 304;
      return;
    }
    ctx.type = found.contentType;
    ctx.body = found.body;
  };
}
