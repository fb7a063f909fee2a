// GET /auth/cert: the presented certificate's serial, issuer, validity and registration state, so a
// user can tell their administrator which serial to register (manual, chapter 7). No session needed.
import { errors } from '../errors/certgate-error.js';
import { gatewayPages } from '../pages/gateway-pages.js';
import type { CertState } from '../pages/types.js';
import { pageFrame, sendPage } from '../kernel/respond.js';
import { displaySerial } from '../tls/serial.js';
import { registrationState, usageOf, type Registration } from '../registry/registration.js';
import type { CertificateFacts } from '../tls/certificate.js';
import type { GatewayDeps } from '../kernel/deps.js';
import type { GatewayMiddleware } from '../kernel/state.js';
import { renewalProps } from './renewal-state.js';
import { certDaysLeft } from '../time/renewal.js';

export function certState(cert: CertificateFacts, registration: Registration | undefined, now: number): CertState {
  if (now > cert.notAfter.getTime()) return 'expired';
  if (now < cert.notBefore.getTime()) return 'not-yet-valid';
  if (!registration) return 'unregistered';
  const state = registrationState(registration, now);
  return state === 'active' ? 'registered' : state;
}

type CertInfoView = Parameters<typeof gatewayPages.certInfo>[1];

/** What the cert-info page shows of the presented certificate: `/auth/cert` and the renewal answer alike. */
export function certInfoView(deps: GatewayDeps, cert: CertificateFacts, registration: Registration | undefined, now: number, renewal: CertInfoView['renewal']): CertInfoView {
  return {
    serial: displaySerial(cert.serial),
    issuer: cert.issuer,
    subject: cert.subject,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    daysLeft: certDaysLeft(cert.notAfter, now, deps.config.timeZone),
    state: certState(cert, registration, now),
    ...(registration ? { operatorId: registration.operatorId, usage: usageOf(registration) } : {}),
    ...(renewal ? { renewal } : {}),
  };
}

export function showCertInfo(deps: GatewayDeps): GatewayMiddleware {
  return async function showCertInfoHandler(ctx) {
    const cert = ctx.state.cert;
    if (!cert) throw errors.internal('/auth/cert reached without a certificate');
    // The user's name in the header when a session is live; its absence is not an error here.
    const touched = await ctx.state.sessionLookup?.result.catch(() => undefined);
    if (touched?.status === 'ok') ctx.state.session = touched.session;
    const now = ctx.state.now ?? deps.clock();
    const registration = ctx.state.registration;
    ctx.state.outcome = 'auth-page';
    sendPage(
      ctx,
      200,
      gatewayPages.certInfo(pageFrame(ctx, deps), certInfoView(deps, cert, registration, now, await renewalProps(deps, cert, registration, now))),
    );
  };
}
