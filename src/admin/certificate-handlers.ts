// /auth/admin/certificates and /auth/admin/audit: the operator's registered certificates (page and
// CSV) and the audit entries that concern the operator.
import type { AuditEntry } from '../audit/audit-log.js';
import { pageFrame, sendPage } from '../gateway/respond.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayMiddleware } from '../gateway/state.js';
import { type Registration, daysLeft, registrationState, usageOf } from '../registry/registration.js';
import { registryField } from '../store/keys.js';
import { displaySerial } from '../tls/serial.js';
import { adminCertificates, type CertificateRow } from '../pages/views/admin-certificates.js';
import { adminAudit } from '../pages/views/admin-review.js';
import { actorOf } from './access.js';


function rowOf(r: Registration, now: number): CertificateRow {
  return {
    field: registryField(r.issuerId, r.serial),
    displaySerial: displaySerial(r.serial),
    usage: usageOf(r),
    label: r.label,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    daysLeft: daysLeft(r, now),
    state: registrationState(r, now),
  };
}

/** RFC 4180 field; a leading =, +, - or @ is prefixed with ' so a spreadsheet never runs it as a formula. */
const csvField = (v: string): string => {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const isoDay = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());

export function listCertificates(deps: GatewayDeps): GatewayMiddleware {
  return async function listCertificatesHandler(ctx) {
    const actor = actorOf(ctx);
    const now = (ctx.state.now ?? deps.clock());
    const order = ctx.query.order === 'desc' ? 'desc' : 'asc';
    // Registry.list sorts by expiry, soonest first.
    const regs = await deps.registry.list({ operatorId: actor.operatorId, now });
    if (order === 'desc') regs.reverse();
    const rows = regs.map((r) => rowOf(r, now));
    ctx.state.outcome = 'admin-page';
    if (ctx.query.format === 'csv') {
      const lines = ['serial,issuer,usage,label,not_before,not_after,days_left,state'];
      for (const [i, r] of rows.entries()) {
        const reg = regs[i]!;
        lines.push([reg.serial, reg.issuerId, r.usage, r.label ?? '', isoDay(r.notBefore), isoDay(r.notAfter), r.daysLeft === undefined ? '' : String(r.daysLeft), r.state].map(csvField).join(','));
      }
      ctx.status = 200;
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Content-Disposition', `attachment; filename="certificates-${actor.operatorId}.csv"`);
      // BOM: Excel in Japan opens UTF-8 CSV correctly only with it.
      ctx.body = `\uFEFF${lines.join('\r\n')}\r\n`;
      return;
    }
    sendPage(ctx, 200, adminCertificates(pageFrame(ctx, deps), { rows, order, selectExpired: ctx.query.select === 'expired' }));
  };
}

const SHOWN = 200;
const SCANNED = 5000;

/** Does the entry concern the operator: named in its detail, or about one of its users? */
function concerns(e: AuditEntry, operatorId: string, userIds: Set<string>): boolean {
  const d = e.detail;
  return d.operator === operatorId || d.certOperator === operatorId || userIds.has(e.target);
}

export function showAudit(deps: GatewayDeps): GatewayMiddleware {
  return async function showAuditHandler(ctx) {
    const actor = actorOf(ctx);
    const userIds = new Set((await deps.users.list({ operatorId: actor.operatorId })).map((u) => u.userId));
    // The stream is shared by every operator: read the newest entries and keep this operator's.
    const recent = await deps.audit.list({ count: SCANNED });
    const entries = recent.reverse().filter((e) => concerns(e, actor.operatorId, userIds)).slice(0, SHOWN);
    ctx.state.outcome = 'admin-page';
    sendPage(ctx, 200, adminAudit(pageFrame(ctx, deps), { entries }));
  };
}
