// Gateway error screens: login error, session timeout, multiple login, maintenance, system error, 404.
import type { ComponentChildren } from 'preact';
import { CloseAction, DetailList, ErrorScreen, Serial } from '../components.js';
import { formatDate, formatDateTime, isoDate, withLang } from '../format.js';
import { messages } from '../i18n.js';
import { renderPage } from '../layout.js';
import type { CertReason, MultipleLoginReason, PageFrame, SessionEndReason, SystemErrorReason } from '../types.js';

const GATEWAY_ASSETS = '/auth/assets/' as const;

export function loginError(f: PageFrame, p: { reason: CertReason; serial?: string; notAfter?: Date }): string {
  const m = messages(f.lang);
  const r = m.loginError.reasons[p.reason];
  const rows: [string, ComponentChildren][] = [];
  if (p.serial) rows.push([m.cert.serial, <Serial value={p.serial} />]);
  if (p.notAfter) rows.push([m.cert.notAfter, <time datetime={isoDate(p.notAfter)}>{formatDate(p.notAfter, f.lang)}</time>]);
  return renderPage({
    frame: f,
    page: 'login-error',
    reason: p.reason,
    title: m.loginError.heading,
    assetBase: GATEWAY_ASSETS,
    minimal: true,
    children: (
      <ErrorScreen kind="error" eyebrow={m.loginError.heading} title={r.title} lead={r.lead} steps={r.steps} stepsTitle={m.common.whatToDo} actions={<CloseAction frame={f} />}>
        {rows.length > 0 && <DetailList rows={rows} label={m.common.details} />}
        <p class="note">{m.loginError.adminNote}</p>
      </ErrorScreen>
    ),
  });
}

export function sessionTimeout(f: PageFrame, p: { reason: SessionEndReason }): string {
  const m = messages(f.lang);
  const r = m.sessionTimeout.reasons[p.reason];
  return renderPage({
    frame: f,
    page: 'session-timeout',
    reason: p.reason,
    title: m.sessionTimeout.heading,
    assetBase: GATEWAY_ASSETS,
    minimal: true,
    children: (
      <ErrorScreen kind="warning" eyebrow={m.sessionTimeout.heading} title={r.title} lead={r.lead} steps={[m.sessionTimeout.action]} actions={<CloseAction frame={f} />} />
    ),
  });
}

export function multipleLogin(f: PageFrame, p: { reason: MultipleLoginReason }): string {
  const m = messages(f.lang);
  const r = m.multipleLogin.reasons[p.reason];
  return renderPage({
    frame: f,
    page: 'multiple-login',
    reason: p.reason,
    title: m.multipleLogin.heading,
    assetBase: GATEWAY_ASSETS,
    minimal: true,
    children: (
      <ErrorScreen kind="warning" eyebrow={m.multipleLogin.heading} title={r.title} lead={r.lead} steps={r.steps} stepsTitle={m.common.whatToDo} actions={<CloseAction frame={f} />} />
    ),
  });
}

export function maintenance(f: PageFrame, p: { message?: string; since?: Date }): string {
  const m = messages(f.lang);
  return renderPage({
    frame: f,
    page: 'maintenance',
    reason: 'maintenance',
    title: m.maintenance.heading,
    assetBase: GATEWAY_ASSETS,
    minimal: true,
    children: (
      <ErrorScreen kind="info" eyebrow={m.maintenance.eyebrow} title={m.maintenance.heading} lead={m.maintenance.lead} steps={[m.maintenance.action]} actions={<CloseAction frame={f} />}>
        {p.message && (
          <div class="message-box">
            <h2 class="subheading">{m.maintenance.message}</h2>
            <p class="preline">{p.message}</p>
          </div>
        )}
        {p.since && <DetailList rows={[[m.maintenance.since, <time datetime={isoDate(p.since)}>{formatDateTime(p.since, f.lang)}</time>]]} />}
      </ErrorScreen>
    ),
  });
}

export function systemError(f: PageFrame, p: { reason: SystemErrorReason; requestId?: string }): string {
  const m = messages(f.lang);
  const r = m.systemError.reasons[p.reason];
  return renderPage({
    frame: f,
    page: 'system-error',
    reason: p.reason,
    title: m.systemError.heading,
    assetBase: GATEWAY_ASSETS,
    minimal: true,
    children: (
      <ErrorScreen kind="error" eyebrow={m.systemError.heading} title={r.title} lead={r.lead} actions={<CloseAction frame={f} />}>
        {p.requestId && (
          <>
            <DetailList rows={[[m.common.requestId, <code class="request-id">{p.requestId}</code>]]} />
            <p class="note">{m.common.requestIdNote}</p>
          </>
        )}
      </ErrorScreen>
    ),
  });
}

/** Shared with the portal (same data-page); a logged-in user also gets a way back home. */
export function notFoundView(f: PageFrame, assetBase: '/auth/assets/' | '/assets/'): string {
  const m = messages(f.lang);
  return renderPage({
    frame: f,
    page: 'not-found',
    reason: 'not-found',
    title: m.notFound.heading,
    assetBase,
    minimal: true,
    children: (
      <ErrorScreen
        kind="info"
        eyebrow="404"
        title={m.notFound.heading}
        lead={m.notFound.lead}
        steps={m.notFound.steps}
        stepsTitle={m.common.whatToDo}
        actions={
          f.user ? (
            <p class="actions">
              <a class="button button--primary" href={withLang('/', f.lang)}>{m.common.toHome}</a>
            </p>
          ) : (
            <CloseAction frame={f} />
          )
        }
      />
    ),
  });
}
