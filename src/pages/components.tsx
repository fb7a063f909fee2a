// Building blocks shared by gateway and portal views: error screens, form fields, detail lists.
import type { ComponentChildren } from 'preact';
import { withLang } from './format.js';
import { messages } from './i18n.js';
import type { PageFrame } from './types.js';

export function Csrf({ token }: { token: string | undefined }) {
  return token ? <input type="hidden" name="_csrf" value={token} /> : null;
}

/** The manual's rule: closing an error screen logs the user out. Without a token there is no session to end. */
export function CloseAction({ frame }: { frame: PageFrame }) {
  const m = messages(frame.lang);
  if (!frame.csrfToken) {
    return (
      <p class="actions">
        <a class="button button--primary" href={withLang('/auth/login', frame.lang)}>{m.common.toLogin}</a>
      </p>
    );
  }
  return (
    <form method="post" action={withLang('/auth/logout', frame.lang)} class="actions">
      <Csrf token={frame.csrfToken} />
      <button type="submit" class="button button--primary" aria-describedby="close-note">{m.common.close}</button>
      <p id="close-note" class="note">{m.common.closeNote}</p>
    </form>
  );
}

export interface ErrorScreenProps {
  kind: 'error' | 'warning' | 'info';
  eyebrow: string;
  title: string;
  lead: string;
  steps?: string[] | undefined;
  stepsTitle?: string;
  children?: ComponentChildren;
  actions: ComponentChildren;
}

export function ErrorScreen({ kind, eyebrow, title, lead, steps, stepsTitle, children, actions }: ErrorScreenProps) {
  return (
    <section class={`panel panel--${kind}`} aria-labelledby="page-title">
      <p class="eyebrow">{eyebrow}</p>
      <h1 id="page-title">{title}</h1>
      <p class="lead">{lead}</p>
      {steps && steps.length > 0 && (
        <>
          {stepsTitle && <h2 class="subheading">{stepsTitle}</h2>}
          <ol class="steps">
            {steps.map((s) => (
              <li>{s}</li>
            ))}
          </ol>
        </>
      )}
      {children}
      <div class="panel__actions">{actions}</div>
    </section>
  );
}

export function DetailList({ rows, label }: { rows: [string, ComponentChildren][]; label?: string }) {
  return (
    <dl class="details" aria-label={label}>
      {rows.map(([term, value]) => (
        <div class="details__row">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A serial number, displayed as browsers show it ("0a 1b …"), on one line when it fits, wrapping between bytes, copyable. */
export const Serial = ({ value }: { value: string }) => <code class="serial">{value}</code>;

export interface FieldProps {
  id: string;
  label: string;
  type?: 'text' | 'password';
  autocomplete: string;
  value?: string | undefined;
  hint?: string | undefined;
  /** Extra ids this field is described by (e.g. the password policy). */
  describedBy?: string[];
  error?: string | undefined;
  requiredLabel: string;
  errorPrefix: string;
  autofocus?: boolean;
  maxLength?: number;
}

/** Label tied to the input; hint and error tied by aria-describedby, so screen readers read them with the field. */
export function Field(p: FieldProps) {
  const hintId = p.hint ? `${p.id}-hint` : undefined;
  const errorId = p.error ? `${p.id}-error` : undefined;
  const describedBy = [errorId, hintId, ...(p.describedBy ?? [])].filter(Boolean).join(' ') || undefined;
  const attrs = {
    id: p.id,
    name: p.id,
    class: 'field__input',
    autocomplete: p.autocomplete,
    value: p.value,
    required: true,
    maxLength: p.maxLength,
    'aria-invalid': p.error ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
    autofocus: p.autofocus,
    spellcheck: false,
    autocapitalize: 'off' as const,
  };
  return (
    <div class={`field${p.error ? ' field--error' : ''}`}>
      <label for={p.id} class="field__label">
        {p.label} <span class="field__required">({p.requiredLabel})</span>
      </label>
      {p.hint && (
        <p id={hintId} class="field__hint">
          {p.hint}
        </p>
      )}
      {p.error && (
        <p id={errorId} class="field__error">
          <span class="visually-hidden">{p.errorPrefix}</span>
          {p.error}
        </p>
      )}
      {p.type === 'password' ? <input type="password" {...attrs} /> : <input type="text" {...attrs} />}
    </div>
  );
}

/** Summary at the top of a form (the manual shows errors above the form), linking to the field at fault. */
export function ErrorSummary({ title, message, fieldId }: { title: string; message: string; fieldId?: string | undefined }) {
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title" class="error-summary__title">{title}</h2>
      <p>{fieldId ? <a href={`#${fieldId}`}>{message}</a> : message}</p>
    </div>
  );
}
