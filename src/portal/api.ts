// The portal's small JSON API for business operators' systems (behind the gateway's API prefix):
// `GET <prefix>v1/notices` lists the notices for the operator the certificate is registered to.
import Router from '@koa/router';
import type { NoticeStore } from './content.js';
import type { PortalState } from './app.js';

const PAGE_SIZE = 20;

export function apiRouter(prefix: string, notices: NoticeStore): Router<PortalState> {
  const router = new Router<PortalState>();
  router.get(`${prefix}v1/notices`, async (ctx) => {
    const id = ctx.state.identity;
    const raw = typeof ctx.query.page === 'string' && /^\d{1,6}$/.test(ctx.query.page) ? Number(ctx.query.page) : 1;
    const list = await notices.list(raw, PAGE_SIZE);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({
      operator: id.operator,
      certificate: { serial: id.certSerial, notAfter: id.certNotAfter },
      page: list.page,
      pageCount: list.pageCount,
      total: list.total,
      notices: list.items.map((n) => ({
        id: n.id,
        date: n.date.toISOString(),
        category: n.category,
        title: n.title,
        attachments: n.attachmentCount,
        // The same notice as a page for people (through the gateway's browser routes).
        url: `/notices/${encodeURIComponent(n.id)}`,
      })),
    });
  });
  return router;
}
