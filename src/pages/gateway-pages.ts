// The gateway's pages (CONTRACT.md "Pages"): one function per screen, each returning a complete HTML document.
import type { Lang } from './i18n.js';
import type { CertReason, LoginError, MultipleLoginReason, PageFrame, PasswordError, SessionEndReason, SystemErrorReason } from './types.js';
import { closed, loginError, maintenance, multipleLogin, notFoundView, sessionTimeout, systemError } from './views/gateway-errors.js';
import { helpCertificates } from './views/help-certificates.js';
import { certInfo, login, logoutConfirm, passwordChange, passwordChanged, type CertInfoProps } from './views/gateway-forms.js';

export type { Lang, PageFrame, CertReason, PasswordError };

export const gatewayPages: {
  /** data-page="login-error", data-reason=reason; shows the serial so the user can ask for its registration. */
  loginError(f: PageFrame, p: { reason: CertReason; serial?: string; notBefore?: Date; notAfter?: Date }): string;
  sessionTimeout(f: PageFrame, p: { reason: SessionEndReason }): string;
  multipleLogin(f: PageFrame, p: { reason: MultipleLoginReason }): string;
  maintenance(f: PageFrame, p: { message?: string; since?: Date }): string;
  /** Never a stack trace; shows the request id for support. */
  systemError(f: PageFrame, p: { reason: SystemErrorReason; requestId?: string }): string;
  notFound(f: PageFrame): string;
  login(f: PageFrame, p: { error?: LoginError; userId?: string; next?: string; loggedOut?: boolean }): string;
  passwordChange(f: PageFrame, p: { userId: string; forced: boolean; error?: PasswordError }): string;
  /** stillLoggedIn: a change made while logged in (3章(2)) keeps the session and offers the portal. */
  passwordChanged(f: PageFrame, p?: { stillLoggedIn?: boolean }): string;
  /** GET /auth/closed: data-page="logged-out", where every error screen's [閉じる] leads. */
  closed(f: PageFrame): string;
  /** GET /auth/help/certificates: data-page="help-certificates" (manual chapters 1, 7, 8, 9 for today's browsers). */
  helpCertificates(f: PageFrame & { origin?: string }): string;
  certInfo(f: PageFrame, p: CertInfoProps): string;
  /** GET /auth/logout: data-page="logout-confirm", a POST form to /auth/logout with _csrf. */
  logoutConfirm(f: PageFrame): string;
} = {
  loginError,
  sessionTimeout,
  multipleLogin,
  maintenance,
  systemError,
  notFound: (f) => notFoundView(f, '/auth/assets/'),
  login,
  passwordChange,
  passwordChanged,
  certInfo,
  logoutConfirm,
  closed,
  helpCertificates,
};
