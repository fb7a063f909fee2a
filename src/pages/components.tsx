// Building blocks shared by gateway and portal views: error screens, form fields, detail lists.
import type { ComponentChildren } from 'preact';
import { withLang } from './format.js';
import { messages } from './i18n.js';
import type { PageFrame } from './types.js';
import { displaySerial, isSerial, normaliseSerial } from '../tls/serial.js';

export function Csrf({ token }: { token: string | undefined }) {
  return token ? <input type="hidden" name="_csrf" value={token} /> : null;
}

/** Where every error screen's [閉じる] leads: ends the session (if any) and shows the closed screen. */
export const CLOSE_PATH = '/auth/closed';

/**
 * The manual's rule (5章, 6章): closing an error screen logs the user out. One plain link for every
 * error screen, with or without a session or a usable certificate, so it never leads back to the
 * same refusal. The note only appears while a session is live (a page that already says "logged
 * out" must not also promise to log out).
 */
export function CloseAction({ frame, secondary, sessionOver }: { frame: PageFrame; secondary?: ComponentChildren; sessionOver?: boolean }) {
  const m = messages(frame.lang);
  const note = Boolean(frame.user) && !sessionOver;
  return (
    <div class="actions">
      <a class="button button--primary" href={withLang(CLOSE_PATH, frame.lang)} data-action="close" aria-describedby={note ? 'close-note' : undefined}>
        {m.common.close}
      </a>
      {secondary}
      {note && (
        <p id="close-note" class="note">
          {m.common.closeNote}
        </p>
      )}
    </div>
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
  actions?: ComponentChildren;
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
          {/* A single step is a sentence, not a numbered list. */}
          {steps.length === 1 ? (
            <p class="step">{steps[0]}</p>
          ) : (
            <ol class="steps">
              {steps.map((s) => (
                <li>{s}</li>
              ))}
            </ol>
          )}
        </>
      )}
      {children}
      {actions && <div class="panel__actions">{actions}</div>}
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

/** Any accepted serial form ("0A1B", "0a:1b", "0a 1b") in the one form every page shows. */
export function serialForDisplay(value: string): string {
  return isSerial(value) ? displaySerial(normaliseSerial(value)) : value;
}

/** A serial number, displayed as browsers show it ("0a 1b …"), on one line when it fits, wrapping between bytes, copyable. */
export const Serial = ({ value }: { value: string }) => <code class="serial">{serialForDisplay(value)}</code>;

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
        {p.label} <span class="field__required">{p.requiredLabel}</span>
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
