// The gateway's pages (CONTRACT.md "Pages"): one function per screen, each returning a complete HTML document.
import type { Lang } from './i18n.js';
import type { CertReason, LoginError, MultipleLoginReason, PageFrame, PasswordError, SessionEndReason, SystemErrorReason } from './types.js';
import { loginError, maintenance, multipleLogin, notFoundView, sessionTimeout, systemError } from './views/gateway-errors.js';
import { certInfo, login, logoutConfirm, passwordChange, passwordChanged, type CertInfoProps } from './views/gateway-forms.js';

export type { Lang, PageFrame, CertReason, PasswordError };

export const gatewayPages: {
  /** data-page="login-error", data-reason=reason; shows the serial so the user can ask for its registration. */
  loginError(f: PageFrame, p: { reason: CertReason; serial?: string; notAfter?: Date }): string;
  sessionTimeout(f: PageFrame, p: { reason: SessionEndReason }): string;
  multipleLogin(f: PageFrame, p: { reason: MultipleLoginReason }): string;
  maintenance(f: PageFrame, p: { message?: string; since?: Date }): string;
  /** Never a stack trace; shows the request id for support. */
  systemError(f: PageFrame, p: { reason: SystemErrorReason; requestId?: string }): string;
  notFound(f: PageFrame): string;
  login(f: PageFrame, p: { error?: LoginError; userId?: string; next?: string }): string;
  passwordChange(f: PageFrame, p: { userId: string; forced: boolean; error?: PasswordError }): string;
  passwordChanged(f: PageFrame): string;
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
};
