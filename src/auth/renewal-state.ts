// What /auth/cert offers about certificate applications: the renewal form when the presented certificate
// can be applied for (trusted, unexpired, unregistered, none pending) and its latest application.
import { publicState } from '../applications/application.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { Registration } from '../registry/registration.js';
import type { CertificateFacts } from '../tls/certificate.js';
import type { RenewalProps } from '../pages/views/renewal.js';

/** The renewal block for /auth/cert: the form when the certificate can be applied for, and its latest application. */
export async function renewalProps(deps: GatewayDeps, cert: CertificateFacts, registration: Registration | undefined, now: number): Promise<RenewalProps> {
  const application = await deps.applications.store.latestForCertificate(cert.issuerId, cert.serial);
  const open = application !== undefined && publicState(application) === 'pending';
  return { canApply: !registration && now <= cert.notAfter.getTime() && !open, application };
}

