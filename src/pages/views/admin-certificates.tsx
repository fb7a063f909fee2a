// The operator's certificates (事業者情報管理): serial as browsers print it, usage, dates, days left,
// state; sortable by expiry, CSV download, and a bulk removal application for the selected ones.
import { adminMessages } from '../admin-i18n.js';
import { Csrf, Serial } from '../components.js';
import { formatDate, isoDate, withLang } from '../format.js';
import type { PageFrame } from '../types.js';
import { adminPage } from './admin-common.js';

export interface CertificateRow {
  /** registry field `<issuerId>:<serial>`, the value a removal application names. */
  field: string;
  displaySerial: string;
  usage: string;
  label?: string | undefined;
  notBefore?: number | undefined;
  notAfter?: number | undefined;
  daysLeft?: number | undefined;
  state: string;
}

const Day = ({ ms, f }: { ms: number | undefined; f: PageFrame }) =>
  ms === undefined ? <>-</> : <time datetime={isoDate(new Date(ms))}>{formatDate(new Date(ms), f.lang)}</time>;

export function adminCertificates(f: PageFrame, p: { rows: CertificateRow[]; order: 'asc' | 'desc'; selectExpired: boolean }): string {
  const a = adminMessages(f.lang);
  const c = a.certificates;
  const other = p.order === 'asc' ? 'desc' : 'asc';
  const sortHref = withLang(`/auth/admin/certificates?sort=expiry&order=${other}`, f.lang);
  return adminPage({
    f,
    page: 'admin-certificates',
    title: c.heading,
    tab: 'certificates',
    children: (
      <section class="panel" aria-labelledby="page-title">
        <h1 id="page-title">{c.heading}</h1>
        <p class="lead">{c.lead}</p>
        <p class="toolbar">
          <a class="button button--secondary" href={withLang('/auth/admin/certificates?format=csv', f.lang)} download>{c.csv}</a>
          <a class="button button--secondary" href={withLang(`/auth/admin/certificates?select=expired&order=${p.order}`, f.lang)}>{c.selectExpired}</a>
        </p>
        {p.rows.length === 0 ? (
          <p class="callout" data-certificates="none">{c.none}</p>
        ) : (
          <form method="post" action={withLang('/auth/admin/applications', f.lang)} enctype="multipart/form-data" data-confirm={c.confirmRemoval}>
            <Csrf token={f.csrfToken} />
            <input type="hidden" name="kind" value="removal" />
            <div class="table-wrap">
              <table class="table">
                <caption class="visually-hidden">{c.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{c.select}</th>
                    <th scope="col">{c.serial}</th>
                    <th scope="col">{c.usage}</th>
                    <th scope="col">{c.label}</th>
                    <th scope="col">{c.notBefore}</th>
                    <th scope="col" aria-sort={p.order === 'asc' ? 'ascending' : 'descending'}>
                      <a href={sortHref} title={c.sortExpiry}>{c.notAfter} {p.order === 'asc' ? '▲' : '▼'}</a>
                    </th>
                    <th scope="col" class="num">{c.daysLeft}</th>
                    <th scope="col">{c.state}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.rows.map((r, i) => (
                    <tr data-serial={r.field} data-state={r.state}>
                      <td>
                        <input type="checkbox" name="serials" value={r.field} id={`sel-${i}`} checked={p.selectExpired && r.state === 'expired'} aria-label={`${c.select} ${r.displaySerial}`} />
                      </td>
                      <td><Serial value={r.displaySerial} /></td>
                      <td>{r.usage}</td>
                      <td>{r.label ?? '-'}</td>
                      <td><Day ms={r.notBefore} f={f} /></td>
                      <td><Day ms={r.notAfter} f={f} /></td>
                      <td class="num">{r.daysLeft === undefined ? '-' : c.days(r.daysLeft)}</td>
                      <td><span class={`badge ${r.state === 'active' ? 'badge--ok' : 'badge--alert'}`}>{c.states[r.state] ?? r.state}</span></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p class="actions"><button type="submit" class="button button--danger">{c.applyRemoval}</button></p>
          </form>
        )}
        <p class="note">{a.common.total(p.rows.length)}</p>
      </section>
    ),
  });
}
