// The application workflow: an operator's administrator (or a user renewing from /auth/cert) applies,
// a market reviewer approves or rejects, the applicant may withdraw. Approval reuses the registry's
// all-or-nothing import and its removal (which ends the certificates' sessions).
import { recordAudit, type AuditBy, type AuditLog } from '../audit/audit-log.js';
import { errors } from '../errors/certgate-error.js';
import type { Registration } from '../registry/registration.js';
import type { CertKey, Registry } from '../registry/registry.js';
import { registryField } from '../store/keys.js';
import { isSerial, normaliseSerial } from '../tls/serial.js';
import { resolveIssuer, type TrustedCa } from '../tls/trusted-cas.js';
import { DEFAULT_TIME_ZONE, parseZonedDate } from '../time/zone.js';
import {
  type AppliedCertificate,
  type Application,
  type ApplicationEvent,
  type ApplicationState,
  newApplicationId,
  publicState,
  requireApplicationId,
} from './application.js';
import type { ApplicationStore } from './application-store.js';
import { readUploadedCertificate } from './certificate-upload.js';
import { ApplicationRefused, type ApplicationProblem } from './problems.js';

/** Certificates per application: the CA notice has operators buy in batches, but a page must stay readable. */
export const MAX_CERTIFICATES = 100;
const MAX_REASON = 500;
const STALE_CLAIM_MS = 60_000;

export interface RegistrationInput {
  operatorId: string;
  applicant: string;
  files?: Array<{ name: string; data: Buffer }>;
  manual?: Array<{ serial: string; notAfter: string; label?: string }>;
  /** The certificate presented on the live connection (renewal from /auth/cert). */
  presented?: AppliedCertificate;
  /** Zone of typed dates (CERTGATE_TIME_ZONE): an expiry date means the end of that day there. */
  timeZone?: string;
}

export class ApplicationService {
  constructor(
    readonly store: ApplicationStore,
    private readonly registry: Registry,
    private readonly trustedCas: TrustedCa[],
    private readonly audit?: AuditLog,
  ) {}

  /** Validates every certificate first (files, typed rows, the store); stores nothing if one is bad. */
  async applyRegistration(input: RegistrationInput, by: AuditBy, now: number): Promise<Application> {
    const problems: ApplicationProblem[] = [];
    const certs: AppliedCertificate[] = [];
    if (input.presented) certs.push(input.presented);
    for (const file of input.files ?? []) {
      const read = readUploadedCertificate(file, this.trustedCas);
      if ('problem' in read) problems.push(read.problem);
      else certs.push(read.certificate);
    }
    for (const [i, row] of (input.manual ?? []).entries()) {
      const item = row.serial.trim() || `#${i + 1}`;
      if (!isSerial(row.serial)) {
        problems.push({ code: 'serial-invalid', item });
        continue;
      }
      const notAfter = /^\d{4}[-/]\d{1,2}[-/]\d{1,2}$/.test(row.notAfter.trim()) ? parseZonedDate(row.notAfter.trim(), input.timeZone ?? DEFAULT_TIME_ZONE, 'end') : undefined;
      if (notAfter === undefined) {
        problems.push({ code: 'date-invalid', item });
        continue;
      }
      let issuerId: string;
      try {
        issuerId = resolveIssuer(this.trustedCas).id;
      } catch {
        problems.push({ code: 'issuer-ambiguous', item });
        continue;
      }
      const label = row.label?.trim().slice(0, 100);
      certs.push({ issuerId, serial: normaliseSerial(row.serial), notAfter, origin: 'manual', ...(label ? { label } : {}) });
    }
    if (certs.length === 0 && problems.length === 0) problems.push({ code: 'none' });
    if (certs.length > MAX_CERTIFICATES) problems.push({ code: 'too-many', item: String(certs.length) });
    const seen = new Set<string>();
    for (const c of certs) {
      const field = registryField(c.issuerId, c.serial);
      if (seen.has(field)) problems.push({ code: 'duplicate', item: c.serial });
      seen.add(field);
      if (c.notAfter !== undefined && c.notAfter < now) problems.push({ code: 'expired', item: c.serial });
    }
    const registered = await this.registry.existing([...seen]);
    for (const c of certs) if (registered.has(registryField(c.issuerId, c.serial))) problems.push({ code: 'already-registered', item: c.serial });
    for (const c of certs) {
      const open = await this.store.latestForCertificate(c.issuerId, c.serial);
      if (open && publicState(open) === 'pending' && open.operatorId === input.operatorId) problems.push({ code: 'already-applied', item: `${c.serial} (${open.id})` });
    }
    if (problems.length > 0) throw new ApplicationRefused(problems);
    return this.submit({ kind: 'registration', operatorId: input.operatorId, applicant: input.applicant, certificates: certs, ...(input.presented ? { renewal: true } : {}) }, by, now);
  }

  /** Removal of registered certificates of the operator, named by registry field (`<issuerId>:<serial>`). */
  async applyRemoval(input: { operatorId: string; applicant: string; fields: string[] }, by: AuditBy, now: number): Promise<Application> {
    const problems: ApplicationProblem[] = [];
    const fields = [...new Set(input.fields.map((f) => f.trim()).filter(Boolean))];
    if (fields.length === 0) problems.push({ code: 'none' });
    if (fields.length > MAX_CERTIFICATES) problems.push({ code: 'too-many', item: String(fields.length) });
    const certs: AppliedCertificate[] = [];
    for (const field of fields.slice(0, MAX_CERTIFICATES)) {
      const colon = field.indexOf(':');
      const reg = colon > 0 && isSerial(field.slice(colon + 1)) ? await this.registry.get(field.slice(0, colon), normaliseSerial(field.slice(colon + 1))) : undefined;
      // Another operator's certificate reads exactly like an unregistered one: nothing leaks.
      if (!reg || reg.operatorId !== input.operatorId) {
        problems.push({ code: 'not-registered', item: field.slice(colon + 1) });
        continue;
      }
      certs.push({
        issuerId: reg.issuerId,
        serial: reg.serial,
        origin: 'manual',
        ...(reg.notBefore !== undefined ? { notBefore: reg.notBefore } : {}),
        ...(reg.notAfter !== undefined ? { notAfter: reg.notAfter } : {}),
        ...(reg.label ? { label: reg.label } : {}),
      });
    }
    if (problems.length > 0) throw new ApplicationRefused(problems);
    return this.submit({ kind: 'removal', operatorId: input.operatorId, applicant: input.applicant, certificates: certs }, by, now);
  }

  private async submit(base: Pick<Application, 'kind' | 'operatorId' | 'applicant' | 'certificates' | 'renewal'>, by: AuditBy, now: number): Promise<Application> {
    const app: Application = {
      id: newApplicationId(now),
      ...base,
      state: 'pending',
      createdAt: now,
      history: [{ at: now, action: 'submitted', actor: by.actor }],
    };
    await this.store.create(app);
    await recordAudit(this.audit, by, 'application.submit', app.id, {
      operator: app.operatorId,
      kind: app.kind,
      renewal: app.renewal === true,
      serials: app.certificates.map((c) => c.serial).slice(0, 100),
    });
    return app;
  }

  async require(id: string): Promise<Application> {
    const app = await this.store.get(requireApplicationId(id));
    if (!app) throw errors.notFound(`application ${id} does not exist (see \`certgate request list\`)`);
    return app;
  }

  /** The applicant (or another administrator of the operator) takes back a pending application. */
  async withdraw(operatorId: string, id: string, by: AuditBy, now: number): Promise<Application> {
    const app = await this.store.update(operatorId, requireApplicationId(id), (a) => decide(a, 'withdrawn', by, now));
    await recordAudit(this.audit, by, 'application.withdraw', id, { operator: operatorId });
    return app;
  }

  async reject(id: string, reason: string, by: AuditBy, now: number): Promise<Application> {
    const text = reason.trim();
    if (text === '') throw errors.usage('a rejection needs a reason the applicant can act on; pass --reason <text>');
    if (text.length > MAX_REASON) throw errors.usage(`the reason is longer than ${MAX_REASON} characters`);
    const app = await this.require(id);
    notOwn(app, by);
    const done = await this.store.update(app.operatorId, app.id, (a) => decide(a, 'rejected', by, now, text));
    await recordAudit(this.audit, by, 'application.reject', id, { operator: app.operatorId, reason: text });
    return done;
  }

  /** Registers (all or none) or removes the certificates, then marks the application approved. */
  async approve(id: string, by: AuditBy, now: number): Promise<{ application: Application; sessionsEnded: number }> {
    const app = await this.require(id);
    notOwn(app, by);
    const claimed = await this.store.update(app.operatorId, app.id, (a) => {
      // An approval that died half-way (process killed) must not block the application forever.
      const abandoned = a.state === 'approving' && (a.approvingAt ?? 0) < now - STALE_CLAIM_MS;
      if (a.state !== 'pending' && !abandoned) throw notPending(a);
      return { ...a, state: 'approving', approvingAt: now };
    });
    let sessionsEnded = 0;
    try {
      if (claimed.kind === 'registration') {
        const rows: Registration[] = claimed.certificates.map((c) => ({
          issuerId: c.issuerId,
          serial: c.serial,
          operatorId: claimed.operatorId,
          ...(c.label ? { label: c.label } : { label: `application ${claimed.id}` }),
          ...(c.notBefore !== undefined ? { notBefore: c.notBefore } : {}),
          ...(c.notAfter !== undefined ? { notAfter: c.notAfter } : {}),
          addedAt: now,
          addedBy: by.actor,
        }));
        await this.registry.importRows(rows, { by, source: `application ${claimed.id}` });
      } else {
        const items: CertKey[] = [];
        for (const c of claimed.certificates) {
          const reg = await this.registry.get(c.issuerId, c.serial);
          if (reg && reg.operatorId !== claimed.operatorId) throw errors.conflict(`serial ${c.serial} now belongs to another operator; reject the application`);
          if (reg) items.push({ issuerId: c.issuerId, serial: c.serial });
        }
        sessionsEnded = (await this.registry.remove(items, { by })).sessionsEnded;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.store.update(app.operatorId, app.id, (a) => ({ ...a, state: 'pending', history: [...a.history, event('approval-failed', by, now, message.slice(0, MAX_REASON))] }));
      throw err;
    }
    const done = await this.store.update(app.operatorId, app.id, (a) => ({ ...a, state: 'approved', decidedAt: now, decidedBy: by.actor, history: [...a.history, event('approved', by, now)] }));
    await recordAudit(this.audit, by, 'application.approve', id, { operator: app.operatorId, kind: app.kind, sessionsEnded });
    return { application: done, sessionsEnded };
  }
}

function notOwn(app: Application, by: AuditBy): void {
  if (app.applicant === by.actor) throw errors.conflict(`${by.actor} submitted application ${app.id} and cannot decide it; another reviewer must`);
}

const notPending = (a: Application) => errors.conflict(`application ${a.id} is ${publicState(a) === 'pending' ? 'being approved' : publicState(a)}, not pending; nothing was changed`);

const event = (action: ApplicationEvent['action'], by: AuditBy, at: number, reason?: string): ApplicationEvent => ({ at, action, actor: by.actor, ...(reason ? { reason } : {}) });

function decide(a: Application, to: Exclude<ApplicationState, 'pending' | 'approved'>, by: AuditBy, now: number, reason?: string): Application {
  if (a.state !== 'pending') throw notPending(a);
  return { ...a, state: to, decidedAt: now, decidedBy: by.actor, ...(reason ? { reason } : {}), history: [...a.history, event(to, by, now, reason)] };
}
