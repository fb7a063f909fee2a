// Browser-test plumbing: Debian Chromium through playwright-core, the real portal behind a real gateway,
// contexts presenting a test client certificate, screenshots for review and small page readers.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createLogger } from '../../src/log/logger.js';
import { createPortalApp } from '../../src/portal/app.js';
import { deriveKeys } from '../../src/config/derived-keys.js';
import { startStack, TEST_SECRET, type Stack, type StackOptions } from './stack.js';
import type { DevClientName } from './pki.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONTENT_DIR = fileURLToPath(new URL('../../content/', import.meta.url));
export const SCREENS_DIR = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));

/** Why the browser tests are skipped, or false. Only an explicit opt-out skips: a missing Chromium fails. */
export const skipBrowser: string | false = process.env.CERTGATE_SKIP_BROWSER === '1' ? 'CERTGATE_SKIP_BROWSER=1 set: browser tests skipped' : false;

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}: install it with \`apt-get install chromium\` (Debian), or point CHROMIUM_PATH at a Chromium binary; ` +
        'set CERTGATE_SKIP_BROWSER=1 to skip the browser tests on purpose',
    );
  }
  return path;
}

/** A note when no Japanese font is installed: the tests still pass, but screenshots show boxes instead of text. */
export function japaneseFontNote(): string | undefined {
  try {
    if (execFileSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) return undefined;
  } catch {
    return undefined; // no fontconfig tools: cannot tell
  }
  return 'no Japanese font installed: screenshots in test-results/screens show boxes for Japanese text (apt-get install fonts-ipafont-gothic or fonts-noto-cjk)';
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Runs as root on a machine without network: no sandbox, nothing that phones home.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface PortalStack {
  stack: Stack;
  /** https://localhost:<gateway port> (the server certificate has SAN localhost). */
  origin: string;
  close(): Promise<void>;
}

/** The real portal backend on a loopback port, and a gateway (startStack) proxying to it. */
export async function startPortalStack(options: Omit<StackOptions, 'upstreamUrl'> = {}): Promise<PortalStack> {
  const quiet = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const app = createPortalApp({ assertionKey: deriveKeys(Buffer.from(TEST_SECRET)).assertion, contentDir: CONTENT_DIR, logger: createLogger({ level: 'warn' }, quiet) });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let stack: Stack;
  try {
    stack = await startStack({ ...options, upstreamUrl: `http://127.0.0.1:${port}` });
  } catch (err) {
    server.close();
    throw err;
  }
  return {
    stack,
    origin: `https://localhost:${stack.gateway.port}`,
    async close() {
      await stack.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ClientContextOptions {
  /** ja (default) sends Accept-Language ja-JP. */
  locale?: string;
}

/** A fresh browser profile presenting the named test client certificate (none: no certificate at all). */
export async function clientContext(browser: Browser, ps: PortalStack, client: DevClientName | undefined, o: ClientContextOptions = {}): Promise<BrowserContext> {
  const pki = ps.stack.pki;
  const ctx = await browser.newContext({
    // The test CA is not in Chromium's store; the server certificate itself is covered by gateway tests.
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
    locale: o.locale ?? 'ja-JP',
    viewport: { width: 1280, height: 800 },
    ...(client ? { clientCertificates: [{ origin: ps.origin, certPath: pki.file(`${client}.crt`), keyPath: pki.file(`${client}.key`) }] } : {}),
  });
  // Every step is a local round trip: fail in seconds rather than after Playwright's 30 s default.
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

/** Accept every confirm() on the page and remember its message (the pages ask before password change and logout). */
export function acceptDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on('dialog', (d) => {
    seen.push(d.message());
    void d.accept();
  });
  return seen;
}

/** Full-page screenshot for review: test-results/screens/<name>.png (name like "03-login"). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENS_DIR}${name}.png`, fullPage: true });
}

export interface PageMarkers {
  page: string | null;
  reason: string | null;
  error: string | null;
  section: string | null;
}

/** The contract's markers on <body> of the page now shown. */
export async function markers(page: Page): Promise<PageMarkers> {
  const body = page.locator('body');
  const [p, reason, error, section] = await Promise.all(['data-page', 'data-reason', 'data-error', 'data-section'].map((a) => body.getAttribute(a)));
  return { page: p ?? null, reason: reason ?? null, error: error ?? null, section: section ?? null };
}

/** Path and query of the page now shown (after any redirects). */
export const pathOf = (page: Page): string => {
  const u = new URL(page.url());
  return `${u.pathname}${u.search}`;
};

/** Fill the login form the way a user does and submit it; resolves once the next page has loaded. */
export async function submitLogin(page: Page, userId: string, password: string): Promise<void> {
  await page.locator('#userId').fill(userId);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForEvent('load'), page.locator('form[action^="/auth/login"] button[type="submit"]').click()]);
}
