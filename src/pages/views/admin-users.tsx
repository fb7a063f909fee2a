// ユーザ情報管理 for the operator's administrator: list and search, add (temporary password shown
// once), details with unlock/lock/reset/log out/remove and role change, and the not-allowed page.
import type { ComponentChildren } from 'preact';
import { adminMessages } from '../admin-i18n.js';
import { Csrf, DetailList, ErrorSummary, Field } from '../components.js';
import { formatDateTime, isoDate, withLang } from '../format.js';
import { messages } from '../i18n.js';
import { renderPage } from '../layout.js';
import type { PageFrame } from '../types.js';
import type { AdminUserError } from '../messages/admin-ja.js';
import { ADMIN_GRANTABLE, type Role } from '../../users/roles.js';
import { Notice, PostButton, adminPage } from './admin-common.js';

export interface AdminUserRow {
  userId: string;
  name: string;
  roles: Role[];
  locked: boolean;
  mustChange: boolean;
  sessionSince?: number | undefined;
  lastLoginAt?: number | undefined;
  email?: string | undefined;
  failures: number;
  lockedAt?: number | undefined;
  createdAt: number;
  passwordChangedAt: number;
}

const When = ({ ms, f }: { ms: number | undefined; f: PageFrame }) =>
  ms ? <time datetime={isoDate(new Date(ms))}>{formatDateTime(new Date(ms), f.lang)}</time> : <>-</>;

function StateBadge({ u, f }: { u: AdminUserRow; f: PageFrame }) {
  const s = adminMessages(f.lang).users.states;
  if (u.locked) return <span class="badge badge--alert" data-state="locked">{s.locked}</span>;
  if (u.mustChange) return <span class="badge badge--category" data-state="must-change">{s.mustChange}</span>;
  return <span class="badge badge--ok" data-state="active">{s.active}</span>;
}

const roleNames = (roles: Role[], f: PageFrame) => roles.map((r) => messages(f.lang).roles[r]).join('、');

export function adminUsers(f: PageFrame, p: { users: AdminUserRow[]; q: string; removed?: string }): string {
  const a = adminMessages(f.lang);
  const u = a.users;
  return adminPage({
    f,
    page: 'admin-users',
    title: u.heading,
    tab: 'users',
    children: (
      <section class="panel" aria-labelledby="page-title">
        <h1 id="page-title">{u.heading}</h1>
        <Notice text={p.removed ? a.user.removed(p.removed) : undefined} />
        <p class="lead">{u.lead}</p>
        <form method="get" action="/auth/admin/users" class="toolbar" role="search">
          {f.lang === 'en' && <input type="hidden" name="lang" value="en" />}
          <div class="field">
            <label for="q" class="field__label">{u.searchLabel}</label>
            <input id="q" name="q" type="search" class="field__input" value={p.q} maxLength={64} />
          </div>
          <button type="submit" class="button button--secondary">{a.common.search}</button>
          <a class="button button--primary" href={withLang('/auth/admin/users/new', f.lang)}>{u.add}</a>
        </form>
        {p.users.length === 0 ? (
          <p class="callout" data-users="none">{u.noUsers}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">{u.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{u.userId}</th>
                  <th scope="col">{u.name}</th>
                  <th scope="col">{u.roles}</th>
                  <th scope="col">{u.state}</th>
                  <th scope="col">{u.session}</th>
                  <th scope="col">{u.lastLogin}</th>
                </tr>
              </thead>
              <tbody>
                {p.users.map((row) => (
                  <tr data-user={row.userId}>
                    <td><a class="mono" href={withLang(`/auth/admin/users/${encodeURIComponent(row.userId)}`, f.lang)}>{row.userId}</a></td>
                    <td>{row.name}</td>
                    <td>{roleNames(row.roles, f)}</td>
                    <td><StateBadge u={row} f={f} /></td>
                    <td data-session={row.sessionSince ? 'active' : 'none'}>{row.sessionSince ? u.sessionActive : a.common.none}</td>
                    <td><When ms={row.lastLoginAt} f={f} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p class="note">{a.common.total(p.users.length)}</p>
      </section>
    ),
  });
}

function RoleChoices({ f, selected, legend }: { f: PageFrame; selected: readonly string[]; legend: string }) {
  const a = adminMessages(f.lang);
  return (
    <fieldset class="choices">
      <legend>{legend}</legend>
      {ADMIN_GRANTABLE.map((r) => (
        <label class="choice">
          <input type="checkbox" name="roles" value={r} checked={selected.includes(r)} />
          <span>
            {messages(f.lang).roles[r]} <span class="note">({a.newUser.roleNotes[r as 'operator-admin' | 'operator-staff']})</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

export interface NewUserValues {
  userId?: string;
  name?: string;
  email?: string;
  roles?: string[];
}

export function adminUserNew(f: PageFrame, p: { values: NewUserValues; error?: AdminUserError }): string {
  const m = messages(f.lang);
  const a = adminMessages(f.lang);
  const n = a.newUser;
  const err = p.error ? n.errors[p.error] : undefined;
  const on = (codes: AdminUserError[]) => (p.error && codes.includes(p.error) ? err : undefined);
  const common = { requiredLabel: m.common.required, errorPrefix: m.common.errorPrefix };
  return adminPage({
    f,
    page: 'admin-user-new',
    error: p.error,
    title: n.heading,
    tab: 'users',
    children: (
      <section class="panel panel--form" aria-labelledby="page-title">
        <h1 id="page-title">{n.heading}</h1>
        {err && <ErrorSummary title={a.common.errorTitle} message={err} />}
        <p class="lead">{n.lead}</p>
        <form method="post" action={withLang('/auth/admin/users/new', f.lang)} class="form" data-confirm={n.confirm} novalidate>
          <Csrf token={f.csrfToken} />
          <Field id="userId" label={a.users.userId} autocomplete="off" value={p.values.userId} hint={n.userIdHint} error={on(['user-id', 'exists'])} maxLength={64} autofocus {...common} />
          <Field id="name" label={a.users.name} autocomplete="name" value={p.values.name} error={on(['name'])} maxLength={100} {...common} />
          <div class={`field${on(['email']) ? ' field--error' : ''}`}>
            <label for="email" class="field__label">{a.users.email}</label>
            <p id="email-hint" class="field__hint">{n.emailHint}</p>
            {on(['email']) && <p class="field__error">{on(['email'])}</p>}
            <input id="email" name="email" type="email" class="field__input" autocomplete="email" value={p.values.email} maxLength={254} aria-describedby="email-hint" />
          </div>
          <RoleChoices f={f} selected={p.values.roles ?? ['operator-staff']} legend={n.rolesLegend} />
          <p class="actions">
            <button type="submit" class="button button--primary">{n.submit}</button>
            <a class="button button--secondary" href={withLang('/auth/admin/users', f.lang)}>{a.common.cancel}</a>
          </p>
        </form>
      </section>
    ),
  });
}

const TemporaryPassword = ({ label, value }: { label: string; value: string }) => (
  <div class="field">
    <p class="field__label">{label}</p>
    <p><code class="secret" data-temporary-password>{value}</code></p>
  </div>
);

export function adminUserCreated(f: PageFrame, p: { userId: string; temporaryPassword: string }): string {
  const a = adminMessages(f.lang);
  return adminPage({
    f,
    page: 'admin-user-created',
    title: a.created.heading,
    tab: 'users',
    children: (
      <section class="panel panel--success" aria-labelledby="page-title">
        <h1 id="page-title">{a.created.heading}</h1>
        <p class="lead">{a.created.lead}</p>
        <DetailList rows={[[a.users.userId, <span class="mono">{p.userId}</span>]]} />
        <TemporaryPassword label={a.created.temporaryPassword} value={p.temporaryPassword} />
        <p class="actions">
          <a class="button button--primary" href={withLang(`/auth/admin/users/${encodeURIComponent(p.userId)}`, f.lang)}>{a.created.toUser}</a>
          <a class="button button--secondary" href={withLang('/auth/admin/users', f.lang)}>{a.common.backToList}</a>
        </p>
      </section>
    ),
  });
}

export function adminUser(f: PageFrame, p: { user: AdminUserRow; notice?: string; temporaryPassword?: string; error?: AdminUserError; self: boolean }): string {
  const a = adminMessages(f.lang);
  const u = p.user;
  const base = `/auth/admin/users/${encodeURIComponent(u.userId)}`;
  const t = a.user;
  const rows: [string, ComponentChildren][] = [
    [a.users.userId, <span class="mono">{u.userId}</span>],
    [a.users.name, u.name],
    [a.users.email, u.email ?? '-'],
    [a.users.roles, roleNames(u.roles, f)],
    [a.users.state, <StateBadge u={u} f={f} />],
    [t.failures, String(u.failures)],
    [a.users.session, u.sessionSince ? t.sessionSince(formatDateTime(new Date(u.sessionSince), f.lang)) : a.common.none],
    [a.users.lastLogin, <When ms={u.lastLoginAt} f={f} />],
    [t.passwordChangedAt, <When ms={u.passwordChangedAt} f={f} />],
    [t.createdAt, <When ms={u.createdAt} f={f} />],
  ];
  if (u.locked) rows.splice(5, 0, [t.lockedAt, <When ms={u.lockedAt} f={f} />]);
  const notice = p.notice ? t.notices[p.notice] : undefined;
  return adminPage({
    f,
    page: 'admin-user',
    error: p.error,
    title: `${t.heading}: ${u.userId}`,
    tab: 'users',
    children: (
      <section class="panel" aria-labelledby="page-title">
        <h1 id="page-title">{t.heading}</h1>
        {p.error && <ErrorSummary title={a.common.errorTitle} message={a.newUser.errors[p.error]} />}
        <Notice text={notice} />
        {p.temporaryPassword && <TemporaryPassword label={t.temporaryPassword} value={p.temporaryPassword} />}
        <DetailList rows={rows} />
        <h2>{t.actionsHeading}</h2>
        <div class="action-grid">
          {u.locked ? (
            <PostButton f={f} name="unlock" action={`${base}/unlock`} label={t.unlock} confirm={t.confirms.unlock} />
          ) : (
            !p.self && <PostButton f={f} name="lock" action={`${base}/lock`} label={t.lock} confirm={t.confirms.lock} />
          )}
          <PostButton f={f} name="reset-password" action={`${base}/reset-password`} label={t.reset} confirm={t.confirms['reset-password']} />
          {u.sessionSince && !p.self && <PostButton f={f} name="end-session" action={`${base}/end-session`} label={t.endSession} confirm={t.confirms['end-session']} />}
          {!p.self && <PostButton f={f} name="remove" action={`${base}/remove`} label={t.remove} confirm={t.confirms.remove} danger />}
        </div>
        {!p.self && (
          <form method="post" action={withLang(`${base}/roles`, f.lang)} class="form" data-confirm={t.confirmRoles}>
            <Csrf token={f.csrfToken} />
            <RoleChoices f={f} selected={u.roles} legend={t.rolesHeading} />
            <p class="actions"><button type="submit" class="button button--secondary">{t.saveRoles}</button></p>
          </form>
        )}
        <p class="actions"><a class="button button--secondary" href={withLang('/auth/admin/users', f.lang)}>{a.common.backToList}</a></p>
      </section>
    ),
  });
}

/** 403: a role the user lacks, or another operator's user or item. */
export function notAllowed(f: PageFrame): string {
  const a = adminMessages(f.lang);
  return renderPage({
    frame: f,
    page: 'not-allowed',
    reason: 'not-allowed',
    title: a.notAllowed.heading,
    assetBase: '/auth/assets/',
    menu: null,
    children: (
      <section class="panel panel--warning" aria-labelledby="page-title">
        <h1 id="page-title">{a.notAllowed.heading}</h1>
        <p class="lead">{a.notAllowed.lead}</p>
        <p class="actions"><a class="button button--primary" href={withLang('/', f.lang)}>{a.notAllowed.toHome}</a></p>
      </section>
    ),
  });
}
