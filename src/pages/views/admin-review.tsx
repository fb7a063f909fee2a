// 審査 of certificate applications for the market operator's reviewers, and the operator's 履歴 (audit).
import { adminMessages } from '../admin-i18n.js';
import { Csrf } from '../components.js';
import { formatDateTime, isoDate, withLang } from '../format.js';
import type { PageFrame } from '../types.js';
import type { ReviewError } from '../messages/admin-ja.js';
import { type Application, publicState } from '../../applications/application.js';
import type { AuditEntry } from '../../audit/audit-log.js';
import { ErrorSummary, Notice, PostButton, adminPage } from './admin-common.js';
import { ApplicationDetails, StateBadge } from './admin-applications.js';

function ReviewRow({ a, f, self }: { a: Application; f: PageFrame; self: string }) {
  const m = adminMessages(f.lang);
  const t = m.applications;
  const r = m.review;
  const open = publicState(a) === 'pending';
  return (
    <tr data-application={a.id} data-state={publicState(a)}>
      <td class="mono">
        {a.id}
        <ApplicationDetails a={a} f={f} />
      </td>
      <td class="mono">{a.operatorId}</td>
      <td>{t.kinds[a.kind]}{a.renewal ? ` ${t.renewal}` : ''}</td>
      <td class="num">{a.certificates.length}</td>
      <td class="mono">{a.applicant}</td>
      <td><time datetime={isoDate(new Date(a.createdAt))}>{formatDateTime(new Date(a.createdAt), f.lang)}</time></td>
      <td><StateBadge a={a} f={f} /> {a.reason ?? ''}</td>
      <td>
        {open && a.applicant !== self && (
          <div class="inline-fields">
            <PostButton f={f} name="approve" action={`/auth/review/applications/${a.id}/approve`} label={r.approve} confirm={r.confirmApprove} />
            <form method="post" action={withLang(`/auth/review/applications/${a.id}/reject`, f.lang)} data-confirm={r.confirmReject} data-action="reject" class="inline-fields">
              <Csrf token={f.csrfToken} />
              <label class="field__label">
                {r.reasonLabel}
                <textarea name="reason" class="field__input" required maxLength={500} />
              </label>
              <button type="submit" class="button button--danger">{r.reject}</button>
            </form>
          </div>
        )}
      </td>
    </tr>
  );
}

function ReviewTable({ list, f, self, caption }: { list: Application[]; f: PageFrame; self: string; caption: string }) {
  const t = adminMessages(f.lang).applications;
  return (
    <div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.id}</th>
            <th scope="col">{adminMessages(f.lang).common.operator}</th>
            <th scope="col">{t.kind}</th>
            <th scope="col" class="num">{t.count}</th>
            <th scope="col">{t.applicant}</th>
            <th scope="col">{t.submittedAt}</th>
            <th scope="col">{t.state}</th>
            <th scope="col"><span class="visually-hidden">{t.state}</span></th>
          </tr>
        </thead>
        <tbody>
          {list.map((a) => (
            <ReviewRow a={a} f={f} self={self} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function reviewApplications(f: PageFrame, p: { pending: Application[]; decided: Application[]; self: string; notice?: string; error?: ReviewError; detail?: string }): string {
  const r = adminMessages(f.lang).review;
  return adminPage({
    f,
    page: 'review-applications',
    error: p.error,
    title: r.heading,
    menu: 'review',
    children: (
      <>
        <section class="panel" aria-labelledby="page-title">
          <h1 id="page-title">{r.heading}</h1>
          <p class="lead">{r.lead}</p>
          {p.error && <ErrorSummary title={adminMessages(f.lang).common.errorTitle} message={`${r.errors[p.error]}${p.detail ? ` (${p.detail})` : ''}`} />}
          <Notice text={p.notice} />
          <h2>{r.pendingHeading}</h2>
          {p.pending.length === 0 ? <p class="callout" data-applications="none">{r.none}</p> : <ReviewTable list={p.pending} f={f} self={p.self} caption={r.pendingHeading} />}
        </section>
        {p.decided.length > 0 && (
          <section class="panel" aria-labelledby="decided-heading">
            <h2 id="decided-heading">{r.decidedHeading}</h2>
            <ReviewTable list={p.decided} f={f} self={p.self} caption={r.decidedHeading} />
          </section>
        )}
      </>
    ),
  });
}

export function adminAudit(f: PageFrame, p: { entries: AuditEntry[] }): string {
  const t = adminMessages(f.lang).audit;
  return adminPage({
    f,
    page: 'admin-audit',
    title: t.heading,
    tab: 'audit',
    children: (
      <section class="panel" aria-labelledby="page-title">
        <h1 id="page-title">{t.heading}</h1>
        <p class="lead">{t.lead}</p>
        {p.entries.length === 0 ? (
          <p class="callout">{t.none}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">{t.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.time}</th>
                  <th scope="col">{t.action}</th>
                  <th scope="col">{t.actor}</th>
                  <th scope="col">{t.target}</th>
                </tr>
              </thead>
              <tbody>
                {p.entries.map((e) => (
                  <tr data-audit={e.action}>
                    <td class="col-date"><time datetime={e.time}>{formatDateTime(new Date(e.time), f.lang)}</time></td>
                    <td class="mono">{e.action}</td>
                    <td class="mono">{e.actor}</td>
                    <td class="mono wrap-anywhere">{e.target}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    ),
  });
}
