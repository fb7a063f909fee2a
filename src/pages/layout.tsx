// The one page layout shared by gateway and portal: document head, header, menu, banner, footer.
import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import { assetUrl } from './assets.js';
import { formatDateTime, isoDate, withLang } from './format.js';
import { messages, type Lang } from './i18n.js';
import type { PageFrame, Section } from './types.js';

export type AssetBase = '/auth/assets/' | '/assets/';
export type MenuItem = 'home' | Section;
const MENU: readonly { item: MenuItem; path: string }[] = [
  { item: 'home', path: '/' },
  { item: 'registration', path: '/registration' },
  { item: 'review', path: '/review' },
  { item: 'auction', path: '/auction' },
  { item: 'contract', path: '/contract' },
];

export interface LayoutProps {
  frame: PageFrame;
  /** data-page marker (CONTRACT.md). */
  page: string;
  reason?: string | undefined;
  error?: string | undefined;
  section?: Section | undefined;
  /** data-application: the application a page is about (certificate applications). */
  application?: string | undefined;
  title: string;
  assetBase: AssetBase;
  /** Error screens have no user bar or menu (the manual: they only offer Close). */
  minimal?: boolean;
  /** Show the main menu, highlighting this item (null: menu without a current item). */
  menu?: MenuItem | null;
  children: ComponentChildren;
}

/** The language switch keeps the current path and query, only replacing `lang`. */
export function langSwitchHref(path: string | undefined, target: Lang): string {
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.includes('\\')) return `?lang=${target}`;
  const url = new URL(path, 'http://page.invalid');
  url.searchParams.set('lang', target);
  return `${url.pathname}${url.search}`;
}

function Header({ frame, minimal, menu }: Pick<LayoutProps, 'frame' | 'minimal' | 'menu'>) {
  const m = messages(frame.lang);
  const other: Lang = frame.lang === 'ja' ? 'en' : 'ja';
  const user = minimal ? undefined : frame.user;
  return (
    <header class="site-header">
      <div class="wrap site-header__bar">
        <a class="brand" href={withLang('/', frame.lang)}>
          <span class="brand__name">{m.systemName}</span>
          <span class="brand__tagline">{m.systemTagline}</span>
        </a>
        <div class="site-header__tools">
          <a class="lang-switch" href={langSwitchHref(frame.path, other)} hreflang={other} lang={other} aria-label={m.header.langSwitchLabel}>
            {m.header.langSwitch}
          </a>
          {user && (
            <div class="user-bar">
              <span class="user-bar__name">
                <span class="user-bar__label">{m.header.userLabel}</span>{' '}
                <a href={withLang('/me', frame.lang)}>{user.name || user.id}</a>
              </span>
              {/* One confirmation style on every page, gateway or portal: app.js asks with a dialog
                  (the manual, 5章) and posts the logout; without JavaScript the link opens the
                  confirmation page instead. */}
              <a class="button button--header" href={withLang('/auth/logout', frame.lang)} data-logout={m.header.logoutConfirm}>
                {m.header.logout}
              </a>
            </div>
          )}
        </div>
      </div>
      {user && menu !== undefined && (
        <nav class="main-menu" aria-label={m.menu.label}>
          <ul class="wrap main-menu__list">
            {MENU.map(({ item, path }) => (
              <li>
                <a href={withLang(path, frame.lang)} aria-current={item === menu ? 'page' : undefined}>{m.menu[item]}</a>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </header>
  );
}

function Banner({ frame }: { frame: PageFrame }) {
  const m = messages(frame.lang);
  const b = frame.banner;
  if (!b) return null;
  return (
    <div class="banner" role="status" data-banner={b.daysLeft < 0 ? 'expired' : 'expiring'}>
      <div class="wrap banner__inner">
        <p class="banner__text">
          <strong>
            <time datetime={isoDate(b.notAfter)}>{m.banner.text(formatDateTime(b.notAfter, frame.lang, frame.timeZone), b.daysLeft)}</time>
          </strong>{' '}
          {b.daysLeft < 0 ? m.banner.expiredAction : m.banner.action}
        </p>
        <a class="banner__link" href={withLang('/auth/cert', frame.lang)}>{m.banner.link}</a>
      </div>
    </div>
  );
}

function Layout(props: LayoutProps) {
  const { frame, page, reason, error, section, application, title, assetBase, minimal, menu, children } = props;
  const m = messages(frame.lang);
  return (
    <html lang={frame.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} | ${m.systemName}`}</title>
        <link rel="stylesheet" href={assetUrl(assetBase, 'app.css')} />
        <link rel="icon" href={assetUrl(assetBase, 'favicon.svg')} type="image/svg+xml" />
        <script src={assetUrl(assetBase, 'app.js')} defer />
      </head>
      <body data-page={page} data-reason={reason} data-error={error} data-section={section} data-application={application}>
        <a class="skip-link" href="#main">{m.skipToContent}</a>
        <Header frame={frame} minimal={minimal} menu={menu} />
        {/* Every page, error screens included: an expiring certificate is worth knowing anywhere. */}
        <Banner frame={frame} />
        <main id="main" class={`wrap main${minimal ? ' main--narrow' : ''}`} tabindex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="wrap">{m.footer}</div>
        </footer>
      </body>
    </html>
  );
}

/** A complete HTML document; preact escapes every text node and attribute value. */
export function renderPage(props: LayoutProps): string {
  return `<!DOCTYPE html>${render(<Layout {...props} />)}`;
}
