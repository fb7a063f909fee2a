// Certificate applications: the registration form (files or serial + expiry rows), the operator's
// applications with state, certificates and history, and withdrawal of pending ones.
import { adminMessages } from '../admin-i18n.js';
import { Csrf, Serial } from '../components.js';
import { formatDate, formatDateTime, isoDate, withLang } from '../format.js';
import type { PageFrame } from '../types.js';
import { type Application, publicState } from '../../applications/application.js';
import { displaySerial } from '../../tls/serial.js';
import { Notice, PostButton, Problems, adminPage } from './admin-common.js';

const MANUAL_ROWS = 5;

export function StateBadge({ a, f }: { a: Application; f: PageFrame }) {
  const s = publicState(a);
  const cls = s === 'approved' ? 'badge--ok' : s === 'rejected' ? 'badge--alert' : 'badge--category';
  return <span class={`badge ${cls}`} data-state={s}>{adminMessages(f.lang).applications.states[s]}</span>;
}

/** Certificates and history of one application, folded (a <details> is keyboard-operable as is). */
export function ApplicationDetails({ a, f }: { a: Application; f: PageFrame }) {
  const t = adminMessages(f.lang).applications;
  return (
    <details class="app-details">
      <summary>{t.history}</summary>
      <ul>
        {a.certificates.map((c) => (
          <li data-serial={c.serial}>
            <Serial value={displaySerial(c.serial)} /> {c.notAfter !== undefined ? `〜 ${formatDate(new Date(c.notAfter), f.lang)}` : ''} {c.subject ?? c.label ?? ''}
          </li>
        ))}
      </ul>
      <ul>
        {a.history.map((e) => (
          <li>
            <time datetime={isoDate(new Date(e.at))}>{formatDateTime(new Date(e.at), f.lang)}</time> {t.events[e.action] ?? e.action} ({e.actor}){e.reason ? `: ${e.reason}` : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}

export interface ApplicationsPageProps {
  applications: Application[];
  problems?: string[];
  /** First problem code, for data-error. */
  error?: string;
  notice?: string;
  /** The application just submitted (data-application on the page). */
  created?: string;
}

export function adminApplications(f: PageFrame, p: ApplicationsPageProps): string {
  const a = adminMessages(f.lang);
  const t = a.applications;
  return adminPage({
    f,
    page: 'admin-applications',
    error: p.error,
    application: p.created,
    title: t.heading,
    tab: 'applications',
    children: (
      <>
        <section class="panel" aria-labelledby="page-title">
          <h1 id="page-title">{t.heading}</h1>
          <p class="lead">{t.lead}</p>
          <Problems title={a.common.errorTitle} items={p.problems ?? []} />
          <Notice text={p.notice} />
          <h2 id="new-heading">{t.newHeading}</h2>
          <form method="post" action={withLang('/auth/admin/applications', f.lang)} enctype="multipart/form-data" class="form" data-confirm={t.confirm} aria-labelledby="new-heading">
            <Csrf token={f.csrfToken} />
            <input type="hidden" name="kind" value="registration" />
            <div class="field">
              <label for="certificate" class="field__label">{t.filesLabel}</label>
              <p id="certificate-hint" class="field__hint">{t.filesHint}</p>
              <input id="certificate" name="certificate" type="file" multiple accept=".cer,.crt,.pem,.der" aria-describedby="certificate-hint" />
            </div>
            <fieldset class="choices">
              <legend>{t.manualLegend}</legend>
              <div class="rows">
                {Array.from({ length: MANUAL_ROWS }, (_, i) => (
                  <>
                    <label class="field__label">
                      {t.serial} {i + 1}
                      <input name="serial" class="field__input mono" autocomplete="off" spellcheck={false} maxLength={100} />
                    </label>
                    <label class="field__label">
                      {t.notAfter}
                      <input name="notAfter" class="field__input" autocomplete="off" placeholder="2028-03-31" maxLength={10} />
                    </label>
                    <label class="field__label">
                      {t.label}
                      <input name="label" class="field__input" autocomplete="off" maxLength={100} />
                    </label>
                  </>
                ))}
              </div>
            </fieldset>
            <p class="actions"><button type="submit" class="button button--primary">{t.submit}</button></p>
          </form>
        </section>
        <section class="panel" aria-labelledby="list-heading">
          <h2 id="list-heading">{t.listHeading}</h2>
          {p.applications.length === 0 ? (
            <p class="callout" data-applications="none">{t.none}</p>
          ) : (
            <div class="table-wrap">
              <table class="table">
                <caption class="visually-hidden">{t.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.id}</th>
                    <th scope="col">{t.kind}</th>
                    <th scope="col" class="num">{t.count}</th>
                    <th scope="col">{t.applicant}</th>
                    <th scope="col">{t.submittedAt}</th>
                    <th scope="col">{t.state}</th>
                    <th scope="col">{t.reason}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.applications.map((app) => (
                    <tr data-application={app.id} data-state={publicState(app)}>
                      <td class="mono">
                        {app.id}
                        <ApplicationDetails a={app} f={f} />
                      </td>
                      <td>{t.kinds[app.kind]}{app.renewal ? ` ${t.renewal}` : ''}</td>
                      <td class="num">{app.certificates.length}</td>
                      <td class="mono">{app.applicant}</td>
                      <td><time datetime={isoDate(new Date(app.createdAt))}>{formatDateTime(new Date(app.createdAt), f.lang)}</time></td>
                      <td><StateBadge a={app} f={f} /></td>
                      <td>
                        {app.reason ?? ''}
                        {app.state === 'pending' && (
                          <PostButton f={f} name="withdraw" action={`/auth/admin/applications/${app.id}/withdraw`} label={t.withdraw} confirm={t.confirmWithdraw} />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </>
    ),
  });
}
