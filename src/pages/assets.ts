// The pages' static files (CSS, JS, icon): one source, served by the gateway at /auth/assets/* and the portal at /assets/*.
import { createHash } from 'node:crypto';
import { APP_CSS } from './assets/app-css.js';
import { ADMIN_CSS } from './assets/admin-css.js';
import { APP_JS, FAVICON_SVG } from './assets/app-js.js';

export interface Asset {
  body: Buffer;
  contentType: string;
  /** Strong ETag (quoted), for If-None-Match. */
  etag: string;
  /** Short content hash, used as ?v= in page links so a new build is fetched at once. */
  version: string;
}

function asset(text: string, contentType: string): Asset {
  const body = Buffer.from(text, 'utf8');
  const digest = createHash('sha256').update(body).digest('base64url');
  return { body, contentType, etag: `"${digest.slice(0, 27)}"`, version: digest.slice(0, 10) };
}

const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ['app.css', asset(APP_CSS + ADMIN_CSS, 'text/css; charset=utf-8')],
  ['app.js', asset(APP_JS, 'text/javascript; charset=utf-8')],
  ['favicon.svg', asset(FAVICON_SVG, 'image/svg+xml')],
]);

export const ASSET_NAMES: readonly string[] = [...ASSETS.keys()];

/** The asset of that exact file name, or undefined (a Map, so names like "__proto__" are just absent). */
export const getAsset = (name: string): Asset | undefined => ASSETS.get(name);

/**
 * Links carry the content hash, so assets can be cached for a long time: a new build changes the URL.
 * Send this with every asset response.
 */
export const ASSET_CACHE_CONTROL = 'public, max-age=86400';

/** URL of an asset under a base path, with its version, e.g. /auth/assets/app.css?v=3f9a… */
export function assetUrl(base: string, name: string): string {
  const a = ASSETS.get(name);
  return a ? `${base}${name}?v=${a.version}` : `${base}${name}`;
}
