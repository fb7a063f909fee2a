// Portal views: home (sections + notices), notice detail, section page, user info, unauthorized.
import { DetailList, Serial } from '../components.js';
import { formatDate, formatDateTime, formatSize, isoDate, withLang } from '../format.js';
import { messages, type Lang } from '../i18n.js';
import { renderPage } from '../layout.js';
import type { Operation } from '../../portal/menu.js';
import { isRole } from '../../users/roles.js';
import { SECTIONS, type NoticeDetail, type NoticeSummary, type PageFrame, type Section } from '../types.js';

const PORTAL_ASSETS = '/assets/' as const;

const noticeHref = (id: string, lang: Lang) => withLang(`/notices/${encodeURIComponent(id)}`, lang);

function CategoryBadge({ category, lang }: { category: NoticeSummary['category']; lang: Lang }) {
  return <span class={`badge ${category === 'important' ? 'badge--important' : 'badge--category'}`}>{messages(lang).categories[category]}</span>;
}

export interface HomeProps {
  notices: NoticeSummary[];
  page: number;
  pageCount: number;
  total: number;
}

export function home(f: PageFrame, p: HomeProps): string {
  const m = messages(f.lang);
  const pageHref = (n: number) => withLang(n === 1 ? '/' : `/?page=${n}`, f.lang);
  return renderPage({
    frame: f,
    page: 'portal-home',
    title: m.menu.home,
    assetBase: PORTAL_ASSETS,
    menu: 'home',
    children: (
      <>
        <div class="page-head">
          <h1>{m.menu.home}</h1>
          {f.user && <p>{m.portal.welcome(f.user.name || f.user.id)}</p>}
        </div>
        <section aria-labelledby="sections-heading">
          <h2 id="sections-heading" class="visually-hidden">{m.portal.sectionsHeading}</h2>
          <ul class="tiles">
            {SECTIONS.map((s) => (
              <li>
                <a class="tile" href={withLang(`/${s}`, f.lang)}>
                  <span class="tile__title">{m.menu[s]}</span>
                  <span class="tile__text">{m.portal.sectionLeads[s]}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
        <section class="panel" aria-labelledby="notices-heading">
          <div class="page-head">
            <h2 id="notices-heading">{m.portal.noticesHeading}</h2>
            <span class="pager__status">{m.portal.total(p.total)}</span>
          </div>
          {p.notices.length === 0 ? (
            <p>{m.portal.noNotices}</p>
          ) : (
            <table class="table" aria-labelledby="notices-heading">
              <thead>
                <tr>
                  <th scope="col" class="col-date">{m.portal.noticeDate}</th>
                  <th scope="col" class="col-category">{m.portal.noticeCategory}</th>
                  <th scope="col">{m.portal.noticeTitle}</th>
                </tr>
              </thead>
              <tbody>
                {p.notices.map((n) => (
                  <tr data-notice-id={n.id}>
                    <td class="col-date">
                      <time datetime={isoDate(n.date)}>{formatDate(n.date, f.lang, f.timeZone)}</time>
                    </td>
                    <td class="col-category">
                      <CategoryBadge category={n.category} lang={f.lang} />
                    </td>
                    <td>
                      <a href={noticeHref(n.id, f.lang)}>{n.title[f.lang]}</a>
                      {n.attachmentCount > 0 && <span class="attachment__meta" data-attachments={n.attachmentCount}>{m.portal.attachmentCount(n.attachmentCount)}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {p.pageCount > 1 && (
            <nav class="pager" aria-label={m.portal.pagerLabel} data-page-number={p.page} data-page-count={p.pageCount}>
              <span class="pager__status" aria-current="page">{m.portal.pageOf(p.page, p.pageCount)}</span>
              <span class="pager__links">
                {p.page > 1 && <a rel="prev" href={pageHref(p.page - 1)}>{m.portal.prev}</a>}
                {p.page < p.pageCount && <a rel="next" href={pageHref(p.page + 1)}>{m.portal.next}</a>}
              </span>
            </nav>
          )}
        </section>
      </>
    ),
  });
}

/** Plain-text body: blank lines separate paragraphs, single newlines are kept (CSS pre-line). */
const paragraphs = (text: string): string[] =>
  text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((s) => s.trim())
    .filter(Boolean);

export function notice(f: PageFrame, p: { notice: NoticeDetail }): string {
  const m = messages(f.lang);
  const n = p.notice;
  return renderPage({
    frame: f,
    page: 'notice',
    title: n.title[f.lang],
    assetBase: PORTAL_ASSETS,
    menu: 'home',
    children: (
      <article class="panel" aria-labelledby="page-title" data-notice-id={n.id}>
        <h1 id="page-title">{n.title[f.lang]}</h1>
        <p class="notice-meta">
          <span>
            {m.portal.noticeDate}: <time datetime={isoDate(n.date)}>{formatDate(n.date, f.lang, f.timeZone)}</time>
          </span>
          <CategoryBadge category={n.category} lang={f.lang} />
        </p>
        <div class="notice-body">
          {paragraphs(n.body[f.lang]).map((para) => (
            <p>{para}</p>
          ))}
        </div>
        {n.attachments.length > 0 && (
          <section aria-labelledby="attachments-heading">
            <h2 id="attachments-heading">{m.portal.attachments}</h2>
            <p class="note">{m.portal.attachmentsNote}</p>
            <ul class="attachments">
              {n.attachments.map((a) => (
                <li>
                  <a href={`/notices/${encodeURIComponent(n.id)}/attachments/${encodeURIComponent(a.name)}`} download={a.name}>
                    {a.name}
                  </a>
                  <span class="attachment__meta">({formatSize(a.size)})</span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <p class="actions">
          <a class="button button--secondary" href={withLang('/', f.lang)}>{m.portal.backToList}</a>
        </p>
      </article>
    ),
  });
}

function RoleList({ roles, lang }: { roles: readonly string[]; lang: Lang }) {
  const m = messages(lang);
  return (
    <ul class="role-list">
      {roles.map((r) => (
        <li class="badge badge--category">{isRole(r) ? m.roles[r] : r}</li>
      ))}
    </ul>
  );
}

export function section(f: PageFrame, p: { section: Section; operations: readonly Operation[]; roles: readonly string[] }): string {
  const m = messages(f.lang);
  return renderPage({
    frame: f,
    page: 'section',
    section: p.section,
    title: m.menu[p.section],
    assetBase: PORTAL_ASSETS,
    menu: p.section,
    children: (
      <section class="panel" aria-labelledby="page-title">
        <h1 id="page-title">{m.menu[p.section]}</h1>
        <p class="lead">{m.portal.sectionLeads[p.section]}</p>
        <h2>{m.portal.operationsHeading}</h2>
        {p.operations.length === 0 ? (
          <p class="callout" data-operations="none">{m.portal.noOperations}</p>
        ) : (
          <ul class="ops">
            {p.operations.map((o) => (
              <li class="op" data-operation={o.id}>
                <h3 class="op__title">{o.href ? <a href={withLang(o.href, f.lang)}>{o.title[f.lang]}</a> : o.title[f.lang]}</h3>
                <p class="op__text">{o.description[f.lang]}</p>
              </li>
            ))}
          </ul>
        )}
        {/* Japanese sentences follow each other without a space; English ones need one. */}
        <p class="note">
          {m.portal.rolesNote}
          {f.lang === 'en' ? ' ' : ''}
          {m.portal.demoNote}
        </p>
        <DetailList rows={[[m.portal.yourRoles, <RoleList roles={p.roles} lang={f.lang} />]]} />
      </section>
    ),
  });
}

export interface UserInfoProps {
  userId: string;
  userName: string;
  operator: string;
  roles: readonly string[];
  certSerial: string;
  certNotAfter: Date | undefined;
}

export function userInfo(f: PageFrame, p: UserInfoProps): string {
  const m = messages(f.lang);
  return renderPage({
    frame: f,
    page: 'user-info',
    title: m.portal.userInfoHeading,
    assetBase: PORTAL_ASSETS,
    menu: null,
    children: (
      <section class="panel" aria-labelledby="page-title">
        <h1 id="page-title">{m.portal.userInfoHeading}</h1>
        <DetailList
          rows={[
            [m.portal.userId, <span class="mono">{p.userId}</span>],
            [m.portal.userName, p.userName],
            [m.portal.operator, <span class="mono">{p.operator}</span>],
            [m.portal.roles, <RoleList roles={p.roles} lang={f.lang} />],
            [m.portal.certSerial, <Serial value={p.certSerial} />],
            [m.portal.certNotAfter, p.certNotAfter ? <time datetime={isoDate(p.certNotAfter)}>{formatDateTime(p.certNotAfter, f.lang, f.timeZone)}</time> : '-'],
          ]}
        />
        <p class="actions">
          <a class="button button--primary" href={withLang('/auth/password', f.lang)}>{m.portal.changePassword}</a>
          <a class="button button--secondary" href={withLang('/auth/cert', f.lang)}>{m.portal.certDetails}</a>
        </p>
      </section>
    ),
  });
}

/** 401 for a request that did not come through the gateway: no user data, nothing to click. */
export function unauthorized(f: PageFrame): string {
  const m = messages(f.lang);
  return renderPage({
    frame: { lang: f.lang },
    page: 'unauthorized',
    reason: 'assertion-invalid',
    title: m.unauthorized.heading,
    assetBase: PORTAL_ASSETS,
    minimal: true,
    children: (
      <section class="panel panel--error" aria-labelledby="page-title">
        <p class="eyebrow">401</p>
        <h1 id="page-title">{m.unauthorized.heading}</h1>
        <p class="lead">{m.unauthorized.lead}</p>
      </section>
    ),
  });
}
