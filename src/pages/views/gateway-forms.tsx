// Gateway form and information pages: login, password change and completion, certificate info, logout confirmation.
import type { ComponentChildren } from 'preact';
import { Csrf, DetailList, ErrorSummary, Field, Serial } from '../components.js';
import { withLang } from '../format.js';
import { HelpLink, When } from './gateway-errors.js';
import { SYMBOLS } from '../../users/password-policy.js';
import { messages } from '../i18n.js';
import { renderPage } from '../layout.js';
import type { CertState, LoginError, PageFrame, PasswordError } from '../types.js';
import { RenewalBlock, type RenewalProps } from './renewal.js';

const GATEWAY_ASSETS = '/auth/assets/' as const;

/** Only a same-origin path may travel in `next` (the gateway validates it again on POST). */
const safeNext = (next: string | undefined): string | undefined =>
  next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : undefined;

export function login(f: PageFrame, p: { error?: LoginError; userId?: string; next?: string; loggedOut?: boolean }): string {
  const m = messages(f.lang);
  const next = safeNext(p.next);
  const errorText = p.error ? m.login.errors[p.error] : undefined;
  // The language switch keeps `next`, so choosing English does not lose the page the user asked for.
  const path = `/auth/login${next ? `?next=${encodeURIComponent(next)}` : ''}`;
  return renderPage({
    frame: { ...f, path: f.path ?? path },
    page: 'login',
    error: p.error,
    title: m.login.heading,
    assetBase: GATEWAY_ASSETS,
    minimal: true,
    children: (
      <section class="panel panel--form" aria-labelledby="page-title">
        <h1 id="page-title">{m.login.heading}</h1>
        {errorText && <ErrorSummary title={m.login.errorTitle} message={errorText} fieldId={p.error === 'invalid-credentials' ? 'userId' : undefined} />}
        {p.loggedOut && !errorText && (
          <p class="callout" role="status" data-notice="logged-out">
            {m.login.loggedOut}
          </p>
        )}
        <p class="lead">{m.login.lead}</p>
        <form method="post" action={withLang('/auth/login', f.lang)} class="form form--full" novalidate>
          <Csrf token={f.csrfToken} />
          {next && <input type="hidden" name="next" value={next} />}
          <Field
            id="userId"
            label={m.login.userId}
            autocomplete="username"
            value={p.userId}
            requiredLabel={m.common.required}
            errorPrefix={m.common.errorPrefix}
            describedBy={errorText ? ['error-summary-title'] : []}
            autofocus
            maxLength={64}
          />
          <Field
            id="password"
            type="password"
            label={m.login.password}
            autocomplete="current-password"
            requiredLabel={m.common.required}
            errorPrefix={m.common.errorPrefix}
            hint={m.login.lockNote}
            maxLength={128}
          />
          <p class="actions">
            <button type="submit" class="button button--primary button--wide">{m.login.submit}</button>
          </p>
        </form>
        <ul class="link-list">
          <li>{m.login.forgot}</li>
          <li>
            <a href={withLang('/auth/cert', f.lang)}>{m.login.certLink}</a>
          </li>
          <li>
            <a href={withLang('/auth/help/certificates', f.lang)}>{m.common.help}</a>
          </li>
        </ul>
      </section>
    ),
  });
}

const FIELD_OF_ERROR: Record<PasswordError, 'currentPassword' | 'newPassword' | 'confirmPassword'> = {
  'wrong-current': 'currentPassword',
  length: 'newPassword',
  charset: 'newPassword',
  classes: 'newPassword',
  'same-as-user-id': 'newPassword',
  reused: 'newPassword',
  mismatch: 'confirmPassword',
};

export function passwordChange(f: PageFrame, p: { userId: string; forced: boolean; error?: PasswordError }): string {
  const m = messages(f.lang);
  const pc = m.passwordChange;
  const errorField = p.error ? FIELD_OF_ERROR[p.error] : undefined;
  const errorText = p.error ? pc.errors[p.error] : undefined;
  const errorFor = (field: string) => (errorField === field ? errorText : undefined);
  return renderPage({
    frame: f,
    page: 'password-change',
    error: p.error,
    title: pc.heading,
    assetBase: GATEWAY_ASSETS,
    // A forced change comes before anything else, so no menu leads away from it.
    menu: p.forced ? undefined : null,
    children: (
      <section class="panel panel--form" aria-labelledby="page-title">
        <h1 id="page-title">{pc.heading}</h1>
        {errorText && <ErrorSummary title={pc.errorTitle} message={errorText} fieldId={errorField} />}
        {p.forced && <p class="callout">{pc.forcedLead}</p>}
        <p class="lead">{pc.lead}</p>
        <DetailList rows={[[pc.userId, <span class="mono">{p.userId}</span>]]} />
        <div class="policy" id="password-policy">
          <h2 class="subheading">{pc.policyTitle}</h2>
          <ul>
            {pc.policy.map((rule) => (
              <li>{rule}</li>
            ))}
          </ul>
          <p class="policy__symbols">
            {pc.symbols}
            <code class="mono" data-symbols>{SYMBOLS}</code>
          </p>
        </div>
        <form method="post" action={withLang('/auth/password', f.lang)} class="form" data-confirm={pc.confirmDialog} novalidate>
          <Csrf token={f.csrfToken} />
          {/* Not submitted (no name): tells password managers whose password this is. */}
          <input type="text" autocomplete="username" value={p.userId} hidden readOnly />
          <Field
            id="currentPassword"
            type="password"
            label={pc.current}
            autocomplete="current-password"
            hint={p.forced ? pc.currentHintForced : undefined}
            error={errorFor('currentPassword')}
            requiredLabel={m.common.required}
            errorPrefix={m.common.errorPrefix}
            autofocus={!errorField || errorField === 'currentPassword'}
            maxLength={128}
          />
          <Field
            id="newPassword"
            type="password"
            label={pc.next}
            autocomplete="new-password"
            describedBy={['password-policy']}
            error={errorFor('newPassword')}
            requiredLabel={m.common.required}
            errorPrefix={m.common.errorPrefix}
            autofocus={errorField === 'newPassword'}
            maxLength={128}
          />
          <Field
            id="confirmPassword"
            type="password"
            label={pc.confirm}
            autocomplete="new-password"
            hint={pc.confirmHint}
            error={errorFor('confirmPassword')}
            requiredLabel={m.common.required}
            errorPrefix={m.common.errorPrefix}
            autofocus={errorField === 'confirmPassword'}
            maxLength={128}
          />
          <p class="actions">
            <button type="submit" class="button button--primary">{pc.submit}</button>
            {!p.forced && (
              <a class="button button--secondary" href={withLang('/me', f.lang)}>{m.common.back}</a>
            )}
          </p>
        </form>
      </section>
    ),
  });
}

/**
 * The completion screen. After the forced change at first login the user logs in again (3章(1));
 * after a change made while logged in the session continues and the way back is the portal (3章(2)).
 */
export function passwordChanged(f: PageFrame, p: { stillLoggedIn?: boolean } = {}): string {
  const m = messages(f.lang);
  const kept = p.stillLoggedIn === true;
  return renderPage({
    frame: f,
    page: 'password-changed',
    title: m.passwordChanged.heading,
    assetBase: GATEWAY_ASSETS,
    minimal: !kept,
    ...(kept ? { menu: null } : {}),
    children: (
      <section class="panel panel--success" aria-labelledby="page-title" data-session={kept ? 'kept' : 'ended'}>
        <h1 id="page-title">{m.passwordChanged.heading}</h1>
        <p class="lead">{kept ? m.passwordChanged.keptLead : m.passwordChanged.lead}</p>
        <p class="actions">
          {kept ? (
            <a class="button button--primary" href={withLang('/', f.lang)} data-action="home">{m.passwordChanged.toPortal}</a>
          ) : (
            <a class="button button--primary" href={withLang('/auth/login', f.lang)} data-action="login">{m.passwordChanged.login}</a>
          )}
        </p>
      </section>
    ),
  });
}

export interface CertInfoProps {
  serial: string;
  issuer: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  daysLeft: number;
  state: CertState;
  operatorId?: string;
  /** The registration's usage (web or api), when registered. */
  usage?: 'web' | 'api';
  /** Renewal application block (src/pages/views/renewal.tsx); absent: no block. */
  renewal?: RenewalProps;
}

export function certInfo(f: PageFrame, p: CertInfoProps): string {
  const m = messages(f.lang);
  const ok = p.state === 'registered';
  const expired = p.state === 'expired' || p.daysLeft < 0;
  const rows: [string, ComponentChildren][] = [
    [m.cert.serial, <Serial value={p.serial} />],
    [m.cert.state, <span class={`badge badge--${ok ? 'ok' : 'alert'}`} data-state={p.state}>{m.certInfo.states[p.state]}</span>],
    [m.cert.notBefore, <When date={p.notBefore} f={f} />],
    [m.cert.notAfter, <When date={p.notAfter} f={f} />],
    [m.cert.daysLeft, <span data-days-left={expired ? 'expired' : String(p.daysLeft)}>{expired ? m.cert.expired : m.cert.days(p.daysLeft)}</span>],
    [m.cert.issuer, <span class="wrap-anywhere">{p.issuer}</span>],
    [m.cert.subject, <span class="wrap-anywhere">{p.subject}</span>],
  ];
  if (p.operatorId) rows.push([m.cert.operator, <span class="mono">{p.operatorId}</span>]);
  if (p.usage) rows.push([m.cert.usage, <span data-usage={p.usage}>{m.cert.usages[p.usage]}</span>]);
  return renderPage({
    frame: f,
    page: 'cert-info',
    error: p.renewal?.error,
    application: p.renewal?.application?.id,
    title: m.certInfo.heading,
    assetBase: GATEWAY_ASSETS,
    menu: null,
    children: (
      <>
      <section class="panel" aria-labelledby="page-title">
        <h1 id="page-title">{m.certInfo.heading}</h1>
        <p class="lead">{m.certInfo.lead}</p>
        <p class={ok ? 'callout' : 'callout callout--alert'}>{m.certInfo.stateNotes[p.state]}</p>
        <DetailList rows={rows} />
        <p class="note">{m.certInfo.renewal}</p>
        <p class="actions">
          <a class="button button--secondary" href={withLang(f.user ? '/' : '/auth/login', f.lang)}>
            {f.user ? m.common.toHome : m.common.toLogin}
          </a>
          <HelpLink f={f} />
        </p>
      </section>
      {p.renewal && (p.renewal.canApply || p.renewal.application) && <RenewalBlock f={f} p={p.renewal} />}
      </>
    ),
  });
}

/** GET /auth/logout: this page is the confirmation itself, so its form needs no second dialog. */
export function logoutConfirm(f: PageFrame): string {
  const m = messages(f.lang);
  return renderPage({
    frame: f,
    page: 'logout-confirm',
    title: m.logoutConfirm.heading,
    assetBase: GATEWAY_ASSETS,
    menu: null,
    children: (
      <section class="panel panel--form" aria-labelledby="page-title">
        <h1 id="page-title">{m.logoutConfirm.heading}</h1>
        <p class="lead">{m.logoutConfirm.lead}</p>
        <p class="note">{m.logoutConfirm.note}</p>
        <form method="post" action={withLang('/auth/logout', f.lang)} class="actions" data-logout-form>
          <Csrf token={f.csrfToken} />
          <button type="submit" class="button button--primary" autofocus>{m.logoutConfirm.submit}</button>
          <a class="button button--secondary" href={withLang('/', f.lang)}>{m.logoutConfirm.cancel}</a>
        </form>
      </section>
    ),
  });
}
