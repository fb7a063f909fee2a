// The renewal block of /auth/cert: a trusted but unregistered certificate can be applied for after
// the user confirms who they are; an existing application's state is shown instead.
import { adminMessages } from '../admin-i18n.js';
import { Csrf, ErrorSummary, Field } from '../components.js';
import { withLang } from '../format.js';
import { messages } from '../i18n.js';
import type { PageFrame } from '../types.js';
import type { RenewalError } from '../messages/admin-ja.js';
import { type Application, publicState } from '../../applications/application.js';
import { StateBadge } from './admin-applications.js';

export interface RenewalProps {
  /** Show the form (the certificate is trusted, unexpired and unregistered, with no open application). */
  canApply: boolean;
  application?: Application | undefined;
  justApplied?: boolean;
  error?: RenewalError | undefined;
  userId?: string | undefined;
}

export function RenewalBlock({ f, p }: { f: PageFrame; p: RenewalProps }) {
  const m = messages(f.lang);
  const r = adminMessages(f.lang).renewal;
  const a = p.application;
  return (
    <section class={p.canApply ? "panel panel--form" : "panel"} aria-labelledby={p.canApply ? "renewal-heading" : undefined} data-renewal>
      {a && (
        <p class={publicState(a) === 'rejected' ? 'callout callout--alert' : 'callout'} role="status" data-application={a.id}>
          {p.justApplied ? r.applied(a.id) : r.stateOf(a.id)} <StateBadge a={a} f={f} />
          {a.reason ? ` ${a.reason}` : ''}
        </p>
      )}
      {p.canApply && (
        <>
          <h2 id="renewal-heading">{r.heading}</h2>
          {p.error && <ErrorSummary title={r.errorTitle} message={r.errors[p.error]} fieldId={p.error === 'invalid-credentials' ? 'userId' : undefined} />}
          <p class="lead">{r.lead}</p>
          <form method="post" action={withLang('/auth/cert', f.lang)} class="form" data-confirm={r.confirm} novalidate>
            <Csrf token={f.csrfToken} />
            <Field id="userId" label={m.login.userId} autocomplete="username" value={p.userId} requiredLabel={m.common.required} errorPrefix={m.common.errorPrefix} maxLength={64} />
            <Field id="password" type="password" label={m.login.password} autocomplete="current-password" requiredLabel={m.common.required} errorPrefix={m.common.errorPrefix} hint={m.login.lockNote} maxLength={128} />
            <p class="actions"><button type="submit" class="button button--primary">{r.submit}</button></p>
          </form>
        </>
      )}
    </section>
  );
}
