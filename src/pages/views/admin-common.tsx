// Parts shared by the administration pages: the page frame, the sub-navigation, notices and the
// confirm-before-submit POST button (app.js asks with data-confirm; keyboard and screen readers just use the button).
import type { ComponentChildren } from 'preact';
import { adminMessages } from '../admin-i18n.js';
import { Csrf, ErrorSummary } from '../components.js';
import { withLang } from '../format.js';
import { renderPage, type MenuItem } from '../layout.js';
import type { PageFrame } from '../types.js';

export type AdminTab = 'users' | 'certificates' | 'applications' | 'audit';
const TABS: ReadonlyArray<[AdminTab, string]> = [
  ['users', '/auth/admin/users'],
  ['certificates', '/auth/admin/certificates'],
  ['applications', '/auth/admin/applications'],
  ['audit', '/auth/admin/audit'],
];

export function AdminNav({ f, current }: { f: PageFrame; current: AdminTab | undefined }) {
  const a = adminMessages(f.lang);
  return (
    <nav class="subnav" aria-label={a.nav.label}>
      <ul>
        {TABS.map(([tab, path]) => (
          <li>
            <a href={withLang(path, f.lang)} aria-current={tab === current ? 'page' : undefined}>{a.nav[tab]}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export interface AdminPageProps {
  f: PageFrame;
  page: string;
  title: string;
  tab?: AdminTab;
  error?: string | undefined;
  application?: string | undefined;
  menu?: MenuItem;
  children: ComponentChildren;
}

export function adminPage(p: AdminPageProps): string {
  return renderPage({
    frame: p.f,
    page: p.page,
    error: p.error,
    application: p.application,
    title: p.title,
    assetBase: '/auth/assets/',
    menu: p.menu ?? 'registration',
    children: (
      <>
        {p.tab !== undefined && <AdminNav f={p.f} current={p.tab} />}
        {p.children}
      </>
    ),
  });
}

/** A success line after an action (role="status", read out once). */
export const Notice = ({ text }: { text: string | undefined }) => (text ? <p class="callout" role="status" data-notice>{text}</p> : null);

export function Problems({ title, items }: { title: string; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title" class="error-summary__title">{title}</h2>
      <ul class="problems">
        {items.map((t) => (
          <li>{t}</li>
        ))}
      </ul>
    </div>
  );
}

export { ErrorSummary };

/** One POST with only _csrf (and hidden fields), asking before it acts. */
export function PostButton(p: { f: PageFrame; action: string; label: string; confirm: string; danger?: boolean; hidden?: Record<string, string>; name?: string }) {
  return (
    <form method="post" action={withLang(p.action, p.f.lang)} data-confirm={p.confirm} data-action={p.name}>
      <Csrf token={p.f.csrfToken} />
      {Object.entries(p.hidden ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={`button ${p.danger ? 'button--danger' : 'button--secondary'}`}>{p.label}</button>
    </form>
  );
}
