// The one place accounts, sessions and maintenance write audit entries, so every event has the
// same shape: who (OS user or the gateway), from where, what, on which user, and the true reason.
import type { AuditDetail, AuditLog } from '../audit/audit-log.js';

export interface AuditActor {
  /** OS user for the CLI (osActor()), the user ID for gateway events. */
  actor: string;
  source: 'cli' | 'gateway';
}

export type AuditDetails = Record<string, string | number | boolean | string[] | undefined>;

/** Append one entry; a missing audit log (unit tests of a store alone) records nothing. */
export async function writeAudit(
  audit: AuditLog | undefined,
  by: AuditActor | undefined,
  action: string,
  target: string | undefined,
  details: AuditDetails = {},
): Promise<void> {
  if (!audit) return;
  const clean: AuditDetail = {};
  for (const [k, v] of Object.entries(details)) if (v !== undefined) clean[k] = v;
  await audit.append({ actor: by?.actor ?? 'unknown', source: by?.source ?? 'cli', action, ...(target ? { target } : {}), details: clean });
}
