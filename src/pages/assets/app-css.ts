// The one stylesheet of every gateway and portal page (served as /auth/assets/app.css and /assets/app.css).
export const APP_CSS = String.raw`
:root {
  --navy: #0f2a4d;
  --navy-dark: #0a1f3a;
  --navy-tint: #e8eef6;
  --ink: #1b2430;
  --muted: #4f5a67;
  --line: #d5dbe3;
  --bg: #f4f6f9;
  --accent: #1a56a8;
  --focus: #ffbf47;
  --error: #b3261e;
  --error-bg: #fdf0ef;
  --warn: #7a4a00;
  --warn-bg: #fff5dc;
  --ok: #1e6b3a;
  --ok-bg: #e9f5ed;
  --info-bg: #edf2fa;
  --radius: 6px;
  /* One panel width for forms and error screens, so the screen does not jump between login and its errors. */
  --panel-width: 43rem;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  min-height: 100vh;
  display: flex;
  flex-direction: column;
  background: var(--bg);
  color: var(--ink);
  font-family: "Hiragino Kaku Gothic ProN", "Hiragino Sans", "Noto Sans JP", "BIZ UDPGothic", Meiryo, system-ui, -apple-system, "Segoe UI", sans-serif;
  font-size: 1rem;
  line-height: 1.8;
}
html[lang="en"] body { line-height: 1.6; }
a { color: var(--accent); text-underline-offset: 0.18em; }
a:hover { color: var(--navy); text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.site-header :focus-visible, .skip-link:focus-visible { outline-color: var(--focus); }
.wrap { width: 100%; max-width: 68rem; margin: 0 auto; padding: 0 1.5rem; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.skip-link { position: absolute; left: -9999px; top: 0.5rem; z-index: 10; padding: 0.5rem 1rem; background: var(--navy-dark); color: #fff; }
.skip-link:focus { left: 0.5rem; }

/* Header, menu, banner, footer */
.site-header { background: var(--navy); color: #fff; }
.site-header a { color: #fff; }
.site-header__bar { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.75rem 1.5rem; padding-top: 0.9rem; padding-bottom: 0.9rem; }
.brand { display: flex; flex-direction: column; line-height: 1.35; text-decoration: none; }
.brand__name { font-size: 1.3rem; font-weight: 700; letter-spacing: 0.04em; }
.brand__tagline { font-size: 0.8rem; opacity: 0.85; }
.site-header__tools { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem 1.5rem; font-size: 0.9rem; }
.user-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; }
.user-bar__label { font-size: 0.8rem; opacity: 0.85; }
.inline-form { display: inline; margin: 0; }
.main-menu { background: var(--navy-dark); }
.main-menu__list { display: flex; flex-wrap: wrap; margin: 0 auto; padding-top: 0; padding-bottom: 0; list-style: none; }
.main-menu a { display: block; padding: 0.65rem 1.1rem; border-bottom: 3px solid transparent; text-decoration: none; font-size: 0.95rem; }
.main-menu a:hover { background: rgba(255, 255, 255, 0.1); color: #fff; }
.main-menu a[aria-current="page"] { border-bottom-color: var(--focus); font-weight: 700; }
.banner { background: var(--warn-bg); border-bottom: 1px solid #ecd49a; color: var(--warn); }
.banner__inner { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.25rem 1.5rem; padding-top: 0.7rem; padding-bottom: 0.7rem; }
.banner__text { margin: 0; }
.banner__link { color: var(--warn); font-weight: 700; white-space: nowrap; }
.main { flex: 1; padding-top: 2rem; padding-bottom: 3rem; }
.main:focus { outline: none; }
.main--narrow { max-width: calc(var(--panel-width) + 3rem); }
.site-footer { border-top: 1px solid var(--line); background: #fff; color: var(--muted); font-size: 0.85rem; padding: 1.25rem 0; }

/* Panels and text */
.panel { background: #fff; border: 1px solid var(--line); border-radius: var(--radius); padding: 2rem; box-shadow: 0 1px 2px rgba(15, 42, 77, 0.06); }
.panel + .panel, .panel + section, section + .panel { margin-top: 1.5rem; }
.panel--error { border-top: 4px solid var(--error); }
.panel--warning { border-top: 4px solid #c98a00; }
.panel--info { border-top: 4px solid var(--accent); }
.panel--success { border-top: 4px solid var(--ok); }
.panel--form { max-width: var(--panel-width); margin-left: auto; margin-right: auto; }
.panel__actions { margin-top: 1.75rem; padding-top: 1.25rem; border-top: 1px solid var(--line); }
.panel__actions .actions { justify-content: center; text-align: center; }
/* A detail list already ends with a rule: no second, empty-looking divider above the buttons. */
.details + .panel__actions { margin-top: 0; border-top: 0; }
h1 { margin: 0 0 1rem; color: var(--navy); font-size: 1.55rem; line-height: 1.4; }
h2, .subheading { margin: 1.5rem 0 0.5rem; color: var(--navy); font-size: 1.1rem; line-height: 1.4; }
.eyebrow { margin: 0 0 0.25rem; color: var(--muted); font-size: 0.85rem; font-weight: 700; letter-spacing: 0.05em; }
.lead { margin: 0 0 1rem; font-size: 1.05rem; }
.note { color: var(--muted); font-size: 0.9rem; }
.steps { margin: 0.5rem 0 1rem; padding-left: 1.5rem; }
.steps li + li { margin-top: 0.35rem; }
.callout { margin: 0 0 1rem; padding: 0.75rem 1rem; border-left: 4px solid var(--accent); background: var(--info-bg); }
.callout--alert { border-left-color: var(--error); background: var(--error-bg); }
.message-box { margin: 1rem 0; padding: 1rem 1.25rem; border-radius: var(--radius); background: var(--info-bg); }
.message-box .subheading { margin-top: 0; }
.preline { white-space: pre-line; }
.mono, .serial, .request-id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "BIZ UDGothic", monospace; }
.serial { padding: 0.1rem 0.45rem; border-radius: 4px; background: var(--navy-tint); font-size: 1.05rem; letter-spacing: 0.05em; user-select: all;
  /* One box (background never split); wraps only at the spaces between bytes, mid-byte only if a byte cannot fit at all. */
  display: inline-block; max-width: 100%; white-space: normal; word-break: normal; overflow-wrap: break-word; }
.wrap-anywhere { overflow-wrap: anywhere; }
.details { margin: 1.25rem 0; border-top: 1px solid var(--line); }
.details__row { display: grid; grid-template-columns: minmax(8rem, 15rem) 1fr; gap: 1rem; padding: 0.6rem 0; border-bottom: 1px solid var(--line); }
.details dt { color: var(--muted); font-weight: 700; }
.details dd { margin: 0; }
.badge { display: inline-block; padding: 0 0.65rem; border-radius: 999px; font-size: 0.85rem; font-weight: 700; white-space: nowrap; }
.badge--ok { background: var(--ok-bg); color: var(--ok); }
.badge--alert, .badge--important { background: var(--error-bg); color: var(--error); }
.badge--category { background: var(--navy-tint); color: var(--navy); }

/* Buttons and forms */
.button {
  display: inline-flex; align-items: center; justify-content: center; min-height: 2.75rem; padding: 0.45rem 1.4rem;
  border: 2px solid transparent; border-radius: var(--radius); font: inherit; font-weight: 700; line-height: 1.2;
  text-decoration: none; cursor: pointer;
}
.button--primary { background: var(--navy); color: #fff; }
.button--primary:hover { background: var(--navy-dark); color: #fff; }
.button--secondary { border-color: var(--navy); background: #fff; color: var(--navy); }
.button--secondary:hover { background: var(--navy-tint); }
.button--header { min-height: 2.25rem; padding: 0.25rem 0.9rem; border-color: rgba(255, 255, 255, 0.75); background: transparent; color: #fff; font-size: 0.875rem; }
.button--header:hover { background: rgba(255, 255, 255, 0.12); }
.button--wide { width: 100%; }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem 1rem; margin: 1.5rem 0 0; }
.actions .note { flex-basis: 100%; margin: 0; }
.form { margin-top: 1.25rem; }
.field { margin-bottom: 1.25rem; }
.field--error { padding-left: 1rem; border-left: 4px solid var(--error); }
.field__label { display: block; margin-bottom: 0.3rem; font-weight: 700; }
.field__required { color: var(--error); font-size: 0.8rem; font-weight: 400; }
.field__hint { margin: 0 0 0.35rem; color: var(--muted); font-size: 0.9rem; }
.field__error { margin: 0 0 0.35rem; color: var(--error); font-weight: 700; }
.field__input {
  display: block; width: 100%; max-width: 28rem; min-height: 2.75rem; padding: 0.5rem 0.75rem;
  border: 2px solid #6b7684; border-radius: 4px; background: #fff; color: var(--ink); font: inherit;
}
.field--error .field__input { border-color: var(--error); }
.error-summary { margin: 0 0 1.5rem; padding: 1rem 1.25rem; border: 3px solid var(--error); border-radius: var(--radius); background: var(--error-bg); }
.error-summary__title { margin: 0 0 0.25rem; color: var(--error); font-size: 1.05rem; }
.error-summary p { margin: 0; }
.error-summary a { color: var(--error); font-weight: 700; }
.policy { margin: 1rem 0 1.5rem; padding: 0.75rem 1.25rem; border-radius: var(--radius); background: var(--bg); font-size: 0.95rem; }
.policy .subheading { margin-top: 0.25rem; }
.policy ul { margin: 0; padding-left: 1.25rem; }
.link-list { margin: 1.5rem 0 0; padding: 1rem 0 0; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9rem; list-style: none; }
.link-list li + li { margin-top: 0.4rem; }
.link-list--plain { margin: 0 0 1rem; padding: 0; border-top: 0; font-size: 0.95rem; }
/* The login form: inputs as wide as the full-width button under them. */
.form--full .field__input { max-width: none; }
.policy__symbols { margin: 0.5rem 0 0; }
.policy__symbols code { padding: 0.05rem 0.35rem; border-radius: 4px; background: #fff; letter-spacing: 0.08em; overflow-wrap: anywhere; }
.step { margin: 0.5rem 0 1rem; }
.help-browser { margin: 0 0 1rem; }
.code { margin: 0.5rem 0 0; padding: 0.75rem 1rem; border-radius: var(--radius); background: var(--bg); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9rem; white-space: pre-wrap; overflow-wrap: anywhere; user-select: all; }

/* Portal */
.page-head { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.5rem 1rem; margin-bottom: 1rem; }
.page-head h1, .page-head h2 { margin: 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1rem; margin: 0 0 2rem; padding: 0; list-style: none; }
.tile { display: block; height: 100%; padding: 1.1rem 1.25rem; border: 1px solid var(--line); border-top: 4px solid var(--navy); border-radius: var(--radius); background: #fff; color: var(--ink); text-decoration: none; }
.tile:hover { border-color: var(--accent); color: var(--ink); }
.tile__title { display: block; margin-bottom: 0.3rem; color: var(--navy); font-size: 1.1rem; font-weight: 700; }
.tile__text { display: block; color: var(--muted); font-size: 0.9rem; line-height: 1.6; }
.table { width: 100%; border-collapse: collapse; background: #fff; }
.table caption { text-align: left; }
.table th, .table td { padding: 0.7rem 0.75rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
.table th { background: var(--navy-tint); color: var(--navy); font-size: 0.9rem; }
.table .col-date { width: 8.5rem; white-space: nowrap; font-variant-numeric: tabular-nums; }
.table .col-category { width: 10rem; }
.pager { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1rem; margin-top: 1rem; }
.pager__status { color: var(--muted); font-size: 0.9rem; }
.pager__links { display: flex; gap: 0.75rem; }
.notice-meta { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; margin: 0 0 1.25rem; color: var(--muted); }
.notice-body { max-width: 46rem; }
.notice-body p { margin: 0 0 1rem; white-space: pre-line; }
.attachments { margin: 0; padding: 0; list-style: none; }
.attachments li { padding: 0.6rem 0; border-bottom: 1px solid var(--line); }
.attachment__meta { margin-left: 0.5rem; color: var(--muted); font-size: 0.85rem; }
.ops { display: grid; gap: 0.75rem; margin: 0; padding: 0; list-style: none; }
.op { padding: 1rem 1.25rem; border: 1px solid var(--line); border-radius: var(--radius); background: #fff; }
.op__title { margin: 0 0 0.2rem; color: var(--navy); font-size: 1.05rem; font-weight: 700; }
.op__text { margin: 0; color: var(--muted); font-size: 0.95rem; }
.role-list { display: inline-flex; flex-wrap: wrap; gap: 0.35rem; margin: 0; padding: 0; list-style: none; }

@media (max-width: 40rem) {
  .wrap { padding: 0 1rem; }
  .panel { padding: 1.25rem; }
  .details__row { grid-template-columns: 1fr; gap: 0.1rem; }
  .table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .table tr { display: block; padding: 0.5rem 0; border-bottom: 1px solid var(--line); }
  .table td { display: block; padding: 0.15rem 0.5rem; border: 0; }
  .table .col-date, .table .col-category { width: auto; }
}
@media print {
  .skip-link, .main-menu, .banner, .site-header__tools, .site-footer, .actions { display: none; }
  .site-header { background: none; color: #000; }
  .panel { border: 0; box-shadow: none; }
}
`;
