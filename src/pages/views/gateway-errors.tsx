// Gateway error screens: login error, session timeout, multiple login, maintenance, system error, 404.
// Each has the manual's way out (6章): [閉じる] ends the session and never leads back to the same refusal.
import type { ComponentChildren } from 'preact';
import { CloseAction, DetailList, ErrorScreen, Serial } from '../components.js';
import { formatDateTime, isoDate, withLang } from '../format.js';
import { messages } from '../i18n.js';
import { renderPage } from '../layout.js';
import type { CertReason, MultipleLoginReason, PageFrame, SessionEndReason, SystemErrorReason } from '../types.js';

const GATEWAY_ASSETS = '/auth/assets/' as const;
export const HELP_PATH = '/auth/help/certificates';

/** A date and time in the configured zone, with the zone named. */
export function When({ date, f }: { date: Date; f: PageFrame }) {
  return <time datetime={isoDate(date)}>{formatDateTime(date, f.lang, f.timeZone)}</time>;
}

export function HelpLink({ f }: { f: PageFrame }) {
  return (
    <a class="button button--secondary" href={withLang(HELP_PATH, f.lang)} data-action="help">
      {messages(f.lang).common.help}
    </a>
  );
}

export interface LoginErrorProps {
  reason: CertReason;
  serial?: string;
  notBefore?: Date;
  notAfter?: Date;
}

export function loginError(f: PageFrame, p: LoginErrorProps): string {
  const m = messages(f.lang);
  const r = m.loginError.reasons[p.reason];
  const rows: [string, ComponentChildren][] = [];
  if (p.serial) rows.push([m.cert.serial, <Serial value={p.serial} />]);
  // The expired page says when it expired; the not-yet-valid page says when it starts.
  if (p.reason === 'cert-not-yet-valid' && p.notBefore) rows.push([m.cert.notBefore, <When date={p.notBefore} f={f} />]);
  if (p.reason !== 'cert-not-yet-valid' && p.notAfter) rows.push([m.cert.notAfter, <When date={p.notAfter} f={f} />]);
  return renderPage({
    frame: f,
    page: 'login-error',
    reason: p.reason,
    title: m.loginError.heading,
    assetBase: GATEWAY_ASSETS,
    minimal: true,
    children: (
      <ErrorScreen
        kind="error"
        eyebrow={m.loginError.heading}
        title={r.title}
        lead={r.lead}
        steps={r.steps}
        stepsTitle={m.common.whatToDo}
        actions={<CloseAction frame={f} secondary={<HelpLink f={f} />} />}
      >
        {rows.length > 0 && <DetailList rows={rows} label={m.common.details} />}
        <p class="note">{m.loginError.adminNote}</p>
      </ErrorScreen>
    ),
  });
}

const ADMIN_REASONS: ReadonlySet<SessionEndReason> = new Set(['account-locked', 'password-reset', 'ended-by-admin']);

/** The session is already over here: [閉じる] finishes, [再度ログインする] starts again (the manual: log in again). */
function LoginAgain({ f }: { f: PageFrame }) {
  return (
    <a class="button button--secondary" href={withLang('/auth/login', f.lang)} data-action="login">
      {messages(f.lang).common.loginAgain}
    </a>
  );
}

export function sessionTimeout(f: PageFrame, p: { reason: SessionEndReason }): string {
  const m = messages(f.lang);
  const r: { title: string; lead: string; action?: string } = m.sessionTimeout.reasons[p.reason];
  const heading = ADMIN_REASONS.has(p.reason) ? m.sessionTimeout.endedHeading : m.sessionTimeout.heading;
  return renderPage({
    frame: f,
    page: 'session-timeout',
    reason: p.reason,
    title: heading,
    assetBase: GATEWAY_ASSETS,
    minimal: true,
    children: (
      <ErrorScreen
        kind="warning"
        eyebrow={heading}
        title={r.title}
        lead={r.lead}
        steps={[r.action ?? m.sessionTimeout.action]}
        actions={<CloseAction frame={f} sessionOver secondary={p.reason === 'account-locked' ? undefined : <LoginAgain f={f} />} />}
      />
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
      <ErrorScreen
        kind="warning"
        eyebrow={m.multipleLogin.heading}
        title={r.title}
        lead={r.lead}
        steps={r.steps}
        stepsTitle={m.common.whatToDo}
        actions={<CloseAction frame={f} sessionOver secondary={<LoginAgain f={f} />} />}
      />
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
        {p.since && <DetailList rows={[[m.maintenance.since, <When date={p.since} f={f} />]]} />}
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

/**
 * One 404 screen for gateway and portal (same data-page, same buttons): [閉じる] and the way back
 * to the portal top (which asks for a login first when there is no session).
 */
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
        eyebrow={m.notFound.eyebrow}
        title={m.notFound.heading}
        lead={m.notFound.lead}
        steps={m.notFound.steps}
        stepsTitle={m.common.whatToDo}
        actions={
          <CloseAction
            frame={f}
            secondary={
              <a class="button button--secondary" href={withLang('/', f.lang)} data-action="home">
                {m.common.toHome}
              </a>
            }
          />
        }
      />
    ),
  });
}

/** GET /auth/closed: where [閉じる] leads. The session (if any) has ended; nothing here posts or returns to a refusal. */
export function closed(f: PageFrame): string {
  const m = messages(f.lang);
  return renderPage({
    frame: { ...f, user: undefined },
    page: 'logged-out',
    title: m.closed.heading,
    assetBase: GATEWAY_ASSETS,
    minimal: true,
    children: (
      <section class="panel panel--info" aria-labelledby="page-title">
        <h1 id="page-title">{m.closed.heading}</h1>
        <p class="lead">{m.closed.lead}</p>
        <p class="note">{m.closed.note}</p>
        <div class="panel__actions">
          <div class="actions">
            <a class="button button--primary" href={withLang('/auth/login', f.lang)} data-action="login">{m.common.toLogin}</a>
            <HelpLink f={f} />
          </div>
        </div>
      </section>
    ),
  });
}

