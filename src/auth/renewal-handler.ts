// POST /auth/cert: a user presenting a trusted certificate that is not registered yet confirms who they
// are (the login's own password check and lockout) and applies to register *this* certificate for their
// operator. Serial, issuer and dates come from the TLS handshake; nothing is usable before approval.
import { errors } from '../errors/certgate-error.js';
import { gatewayPages } from '../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../kernel/respond.js';
import { registryField } from '../store/keys.js';
import type { CertificateFacts } from '../tls/certificate.js';
import { type Application, publicState } from '../applications/application.js';
import { ApplicationRefused } from '../applications/problems.js';
import type { RenewalProps } from '../pages/views/renewal.js';
import type { RenewalError } from '../pages/messages/admin-ja.js';
import type { GatewayDeps } from '../kernel/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../kernel/state.js';
import { certInfoView } from './cert-info-handler.js';
import { renewalProps } from './renewal-state.js';
import { checkCsrf } from './csrf.js';
import { readForm } from './form-body.js';


function send(ctx: GatewayContext, deps: GatewayDeps, status: number, cert: CertificateFacts, renewal: RenewalProps): void {
  const now = (ctx.state.now ?? deps.clock());
  const registration = ctx.state.registration;
  sendPage(
    ctx,
    status,
    gatewayPages.certInfo(pageFrame(ctx, deps), certInfoView(deps, cert, registration, now, renewal)),
  );
}

export function submitRenewal(deps: GatewayDeps): GatewayMiddleware {
  return async function submitRenewalHandler(ctx) {
    await checkCsrf(ctx, deps);
    const cert = ctx.state.cert;
    if (!cert) throw errors.internal('/auth/cert reached without a certificate');
    const form = await readForm(ctx);
    const userId = (form.userId ?? '').trim();
    const now = (ctx.state.now ?? deps.clock());
    const current = await renewalProps(deps, cert, ctx.state.registration, now);
    const fail = (status: number, error: RenewalError, application?: Application) => {
      ctx.state.outcome = `renewal-${error}`;
      send(ctx, deps, status, cert, { ...current, ...(application ? { application } : {}), canApply: error === 'invalid-credentials' || error === 'account-locked' || error === 'too-many-attempts', error, ...(userId.length <= 64 ? { userId } : {}) });
    };
    if (!current.canApply) {
      const open = current.application && publicState(current.application) === 'pending';
      return fail(409, open ? 'already-applied' : 'not-applicable');
    }
    const field = registryField(cert.issuerId, cert.serial);
    const verdict = await deps.login.verifyPassword({ userId, password: form.password ?? '', cert: { field, operatorId: '' }, remoteAddress: ctx.ip });
    if (verdict.status === 'account-locked') return fail(403, 'account-locked');
    if (verdict.status === 'too-many-attempts') {
      ctx.set('Retry-After', String(verdict.retryAfterSeconds));
      return fail(429, 'too-many-attempts');
    }
    if (verdict.status !== 'verified') return fail(401, 'invalid-credentials');
    try {
      const app = await deps.applications.applyRegistration(
        {
          operatorId: verdict.operatorId,
          applicant: verdict.userId,
          presented: {
            issuerId: cert.issuerId,
            serial: cert.serial,
            notBefore: cert.notBefore.getTime(),
            notAfter: cert.notAfter.getTime(),
            subject: cert.subject,
            issuer: cert.issuer,
            origin: 'connection',
          },
        },
        { actor: verdict.userId, source: 'gateway' },
        now,
      );
      ctx.state.outcome = 'renewal-applied';
      send(ctx, deps, 200, cert, { canApply: false, application: app, justApplied: true });
    } catch (err) {
      if (!(err instanceof ApplicationRefused)) throw err;
      return fail(409, err.problems.some((p) => p.code === 'already-applied') ? 'already-applied' : 'not-applicable');
    }
  };
}
