// The certificate help page: import, check, auto-select and remove a client certificate in today's
// browsers (the manual's chapters 1, 7, 8, 9 describe Internet Explorer).
import { withLang } from '../format.js';
import { messages } from '../i18n.js';
import { renderPage } from '../layout.js';
import { helpText } from '../messages/help.js';
import type { PageFrame } from '../types.js';

export function helpCertificates(f: PageFrame & { origin?: string }): string {
  const m = messages(f.lang);
  const h = helpText(f.lang);
  const origin = f.origin ?? 'https://portal.example.jp';
  return renderPage({
    frame: f,
    page: 'help-certificates',
    title: h.heading,
    assetBase: '/auth/assets/',
    minimal: true,
    children: (
      <article class="panel" aria-labelledby="page-title">
        <h1 id="page-title">{h.heading}</h1>
        <p class="lead">{h.lead}</p>
        <nav aria-label={h.toc}>
          <ul class="link-list link-list--plain">
            {h.sections.map((s) => (
              <li>
                <a href={`#${s.id}`}>{s.title}</a>
              </li>
            ))}
          </ul>
        </nav>
        {h.sections.map((s) => (
          <section id={s.id} data-help-section={s.id} aria-labelledby={`${s.id}-title`}>
            <h2 id={`${s.id}-title`}>{s.title}</h2>
            <p>{s.lead}</p>
            {s.browsers.map((b) => (
              <div class="help-browser">
                <h3 class="subheading">{b.name}</h3>
                {b.steps.length === 1 ? (
                  <p>{b.steps[0]}</p>
                ) : (
                  <ol class="steps">
                    {b.steps.map((step) => (
                      <li>{step}</li>
                    ))}
                  </ol>
                )}
                {b.code && <pre class="code">{b.code.replace('{origin}', origin)}</pre>}
              </div>
            ))}
          </section>
        ))}
        <p class="callout">{h.after}</p>
        <p class="actions">
          <a class="button button--secondary" href={withLang('/auth/cert', f.lang)}>{h.certPageLink}</a>
          <a class="button button--secondary" href={withLang('/auth/login', f.lang)}>{m.common.toLogin}</a>
        </p>
      </article>
    ),
  });
}
