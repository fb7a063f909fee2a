// The portal's pages (README "Pages and markers"): same layout, stylesheet and markers as the gateway's.
import type { Operation } from './types.js';
import type { NoticeDetail, PageFrame, Section } from './types.js';
import { notFoundView, systemError } from './views/gateway-errors.js';
import { home, notice, section, unauthorized, userInfo, type HomeProps, type UserInfoProps } from './views/portal-views.js';

export type { HomeProps, UserInfoProps };

export const portalPages: {
  /** data-page="portal-home": section tiles and the notices, newest first, one page of them. */
  home(f: PageFrame, p: HomeProps): string;
  /** data-page="notice": body and attachment links. */
  notice(f: PageFrame, p: { notice: NoticeDetail }): string;
  /** data-page="section" data-section=<section>: the operations the user's roles allow. */
  section(f: PageFrame, p: { section: Section; operations: readonly Operation[]; roles: readonly string[] }): string;
  /** data-page="user-info": identity, roles, certificate; links to /auth/password and /auth/cert. */
  userInfo(f: PageFrame, p: UserInfoProps): string;
  /** data-page="not-found" (404), the same page the gateway shows. */
  notFound(f: PageFrame): string;
  /** data-page="unauthorized" (401): the request did not carry a valid gateway assertion. */
  unauthorized(f: PageFrame): string;
  /** data-page="system-error" data-reason="internal" (500). */
  internalError(f: PageFrame, p: { requestId?: string }): string;
} = {
  home,
  notice,
  section,
  userInfo,
  notFound: (f) => notFoundView(f, '/assets/'),
  unauthorized,
  internalError: (f, p) => systemError({ lang: f.lang }, { reason: 'internal', ...p }),
};
