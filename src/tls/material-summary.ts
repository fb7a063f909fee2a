// What /readyz and the not-after metric say about loaded TLS material: subject, fingerprint, expiry.
import { readCertificate } from './certificate.js';

export interface CertSummary {
  subject: string;
  fingerprint256: string;
  notAfter: string;
}

export interface MaterialSummary {
  loadedAt: string;
  server: CertSummary[];
  clientCas: CertSummary[];
}

export const summarise = (der: Buffer): CertSummary => {
  const f = readCertificate(der);
  return { subject: f.subject, fingerprint256: f.fingerprint256, notAfter: f.notAfter.toISOString() };
};
