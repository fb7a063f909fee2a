// The minimal portal behind the gateway: refuses anything without a valid gateway assertion, then
// serves home, notices (+ attachments), the four sections, user info and the shared assets.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from '../log/logger.js';
import { LANG_COOKIE, chooseLang, langCookieHeader, type Lang } from '../pages/i18n.js';
import { portalPages } from '../pages/portal-pages.js';
import { serveAssets } from '../pages/serve-assets.js';
import type { PageFrame, Section } from '../pages/types.js';
import type { Identity } from '../proxy/assertion.js';
import { AssertionVerifier } from '../proxy/assertion-verifier.js';
import { contentDisposition } from './disposition.js';
import { createNoticeStore } from './content.js';
import { operationsFor } from './menu.js';
import { isApiPath } from '../config/api-settings.js';
import { problemFor, sendProblem } from '../api/problem.js';
import { apiRouter } from './api.js';
import { DEFAULT_TIME_ZONE } from '../time/zone.js';
import { renewalBanner } from '../time/renewal.js';

export interface PortalAppOptions {
  /** CERTGATE_ASSERTION_KEY (or the key derived from CERTGATE_SECRET): verifies X-Certgate-Assertion v2. */
  assertionKey: Buffer;
  /** CERTGATE_ASSERTION_MAX_AGE in ms (default 30 s). */
  assertionMaxAgeMs?: number;
  /** Clock for the assertion window; tests inject one. */
  now?: () => number;
  contentDir: string;
  logger: Logger;
  /** Show the renewal banner when the certificate expires within this many days (CERTGATE_CERT_WARN_DAYS). */
  certWarnDays?: number;
  /** CERTGATE_TIME_ZONE: every date on the pages is shown in it (default Asia/Tokyo). */
  timeZone?: string;
  /** Notices per home page. */
  pageSize?: number;
  /** How long a scan of the content folder is reused (see content.ts). */
  contentTtlMs?: number;
  /** CERTGATE_API_PREFIX (normalised, e.g. `/api/`): the JSON API for `api` identities lives under it. */
  apiPrefix?: string | undefined;
}

export interface PortalState {
  lang: Lang;
  identity: Identity;
  requestId: string;
}

type Ctx = Koa.ParameterizedContext<PortalState>;

const CSP = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function sendHtml(ctx: Ctx, status: number, html: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = html;
}

export function createPortalApp(opts: PortalAppOptions): Koa<PortalState> {
  const { logger } = opts;
  const verifier = new AssertionVerifier(opts.assertionKey, opts.assertionMaxAgeMs === undefined ? {} : { maxAgeMs: opts.assertionMaxAgeMs });
  const clock = opts.now ?? Date.now;
  const warnDays = opts.certWarnDays ?? 60;
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const pageSize = opts.pageSize ?? 5;
  const notices = createNoticeStore(opts.contentDir, {
    logger,
    ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
    ...(opts.contentTtlMs === undefined ? {} : { ttlMs: opts.contentTtlMs }),
  });
  const app = new Koa<PortalState>();

  const frame = (ctx: Ctx): PageFrame => {
    const id = ctx.state.identity;
    const f: PageFrame = { lang: ctx.state.lang, user: { id: id.user, name: id.userName }, path: ctx.url, timeZone };
    const notAfter = new Date(id.certNotAfter);
    if (!Number.isNaN(notAfter.getTime())) {
      const banner = renewalBanner(notAfter, clock(), warnDays, timeZone);
      if (banner) f.banner = banner;
    }
    return f;
  };

  // Request log and last-resort error page; never a stack trace in the response.
  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    ctx.state.requestId = randomUUID();
    // Same rule as the gateway (src/pages/i18n.ts): the language cookie passes through the gateway.
    const choice = chooseLang(ctx.query.lang, ctx.cookies.get(LANG_COOKIE), ctx.get('Accept-Language') || undefined);
    ctx.state.lang = choice.lang;
    if (choice.remember) ctx.append('Set-Cookie', langCookieHeader(choice.lang));
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    try {
      await next();
    } catch (err) {
      logger.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'portal request failed');
      ctx.set('Cache-Control', 'no-store');
      sendHtml(ctx, 500, portalPages.internalError({ lang: ctx.state.lang }, { requestId: ctx.state.requestId }));
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger.info(
      { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10, user: ctx.state.identity?.user, requestId: ctx.state.requestId },
      'portal request',
    );
  });

  const apiPrefix = opts.apiPrefix;
  const underApi = (ctx: Ctx): boolean => apiPrefix !== undefined && isApiPath(apiPrefix, ctx.path);

  // Identity: only the gateway can produce a valid assertion, for this very request, once. The API
  // answers only `api` identities (systems), the pages only `web` ones (people with a session).
  app.use(async (ctx, next) => {
    const verdict = verifier.verify({ method: ctx.method, url: ctx.req.url ?? '', headers: ctx.headers }, clock());
    if (underApi(ctx)) {
      if (!verdict.ok) {
        logger.warn({ path: ctx.path, remote: ctx.socket.remoteAddress, reason: verdict.reason }, 'portal API request refused: no valid gateway assertion');
        return sendProblem(ctx, problemFor('unauthorized', ctx.state.lang));
      }
      if (verdict.identity.client !== 'api') return sendProblem(ctx, problemFor('cert-wrong-usage', ctx.state.lang));
      ctx.state.identity = verdict.identity;
      return next();
    }
    if (verdict.ok && verdict.identity.client === 'api') {
      logger.warn({ path: ctx.path, operator: verdict.identity.operator }, 'portal page refused: an API identity outside the API prefix');
      ctx.set('Cache-Control', 'no-store');
      sendHtml(ctx, 401, portalPages.unauthorized({ lang: ctx.state.lang }));
      return;
    }
    if (!verdict.ok) {
      logger.warn(
        { path: ctx.path, remote: ctx.socket.remoteAddress, hasAssertion: Boolean(ctx.get('x-certgate-assertion')), reason: verdict.reason },
        'portal request refused: no valid gateway assertion',
      );
      ctx.set('Cache-Control', 'no-store');
      sendHtml(ctx, 401, portalPages.unauthorized({ lang: ctx.state.lang }));
      return;
    }
    ctx.state.identity = verdict.identity;
    return next();
  });

  app.use(serveAssets('/assets/'));

  const notFound = (ctx: Ctx): void => sendHtml(ctx, 404, portalPages.notFound(frame(ctx)));

  const router = new Router<PortalState>();
  router.get('/', async (ctx) => {
    const raw = typeof ctx.query.page === 'string' && /^\d{1,6}$/.test(ctx.query.page) ? Number(ctx.query.page) : 1;
    const list = await notices.list(raw, pageSize);
    sendHtml(ctx, 200, portalPages.home(frame(ctx), { notices: list.items, page: list.page, pageCount: list.pageCount, total: list.total }));
  });
  router.get('/notices/:id', async (ctx) => {
    const found = await notices.get(ctx.params.id ?? '');
    if (!found) return notFound(ctx);
    sendHtml(ctx, 200, portalPages.notice(frame(ctx), { notice: found }));
  });
  router.get('/notices/:id/attachments/:name', async (ctx) => {
    // `name` must equal a file listed in the notice's folder; it is never joined into a path as given.
    const found = await notices.attachment(ctx.params.id ?? '', ctx.params.name ?? '');
    if (!found) return notFound(ctx);
    let size: number;
    try {
      size = (await stat(found.path)).size;
    } catch {
      return notFound(ctx); // removed since the last scan
    }
    ctx.status = 200;
    ctx.type = found.info.contentType;
    ctx.length = size;
    ctx.set('Content-Disposition', contentDisposition(found.info.name));
    ctx.set('Cache-Control', 'private, no-cache');
    ctx.body = createReadStream(found.path);
  });
  const sections: Section[] = ['registration', 'review', 'auction', 'contract'];
  for (const s of sections) {
    router.get(`/${s}`, (ctx) => {
      const roles = ctx.state.identity.roles;
      sendHtml(ctx, 200, portalPages.section(frame(ctx), { section: s, operations: operationsFor(s, roles), roles }));
    });
  }
  router.get('/me', (ctx) => {
    const id = ctx.state.identity;
    const notAfter = new Date(id.certNotAfter);
    sendHtml(
      ctx,
      200,
      portalPages.userInfo(frame(ctx), {
        userId: id.user,
        userName: id.userName,
        operator: id.operator,
        roles: id.roles,
        certSerial: id.certSerial,
        certNotAfter: Number.isNaN(notAfter.getTime()) ? undefined : notAfter,
      }),
    );
  });

  app.use(async (ctx, next) => {
    // Pages carry the user's name and roles: no shared cache may keep them.
    if (!ctx.path.startsWith('/assets/')) ctx.set('Cache-Control', 'no-store');
    await next();
  });
  if (apiPrefix !== undefined) app.use(apiRouter(apiPrefix, notices).routes());
  app.use(router.routes());
  app.use(async (ctx) => {
    if (ctx.body !== undefined && ctx.body !== null) return;
    if (underApi(ctx)) return sendProblem(ctx, problemFor('not-found', ctx.state.lang));
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      ctx.status = 405;
      ctx.body = '';
      return;
    }
    notFound(ctx);
  });
  return app;
}
