// `certgate serial …`: register, import, list, remove and prune client-certificate serials.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import { errors } from '../../errors/certgate-error.js';
import { validateOperatorId } from '../../registry/operators.js';
import { type Registration, type Usage, USAGES, daysLeft, isUsage, registrationState, usageOf } from '../../registry/registration.js';
import type { CertKey } from '../../registry/registry.js';
import { loadCertificateFile, readCertificate } from '../../tls/certificate.js';
import { displaySerial, normaliseSerial } from '../../tls/serial.js';
import { findIssuingCa, resolveIssuer } from '../../tls/trusted-cas.js';
import type { CliContext } from '../context.js';
import { isoOrNull, localDate, localDateTime, table, zoneHeader } from '../format.js';
import { dateOption, dateOrDaysAgoOption, integerOption } from '../parse.js';
import { planImport, readCsvFile } from '../serial-import.js';

const MAX_PRINTED_PROBLEMS = 200;

export function registrationJson(r: Registration, now: number) {
  return {
    serial: r.serial,
    displaySerial: displaySerial(r.serial),
    issuerId: r.issuerId,
    operator: r.operatorId,
    usage: usageOf(r),
    label: r.label ?? null,
    notBefore: isoOrNull(r.notBefore),
    notAfter: isoOrNull(r.notAfter),
    daysLeft: daysLeft(r, now) ?? null,
    state: registrationState(r, now),
    addedAt: new Date(r.addedAt).toISOString(),
    addedBy: r.addedBy ?? null,
  };
}

/** --issuer as given: a CA file relative to the working directory, or a fingerprint. */
const issuerSpec = (ctx: CliContext, spec: string | undefined): string | undefined =>
  spec !== undefined && spec.trim() !== '' && existsSync(ctx.path(spec.trim())) ? ctx.path(spec.trim()) : spec;

interface AddOptions {
  operator: string;
  notAfter?: string;
  notBefore?: string;
  label?: string;
  issuer?: string;
  cert?: string;
  password?: string;
  passwordStdin?: boolean;
  replace?: boolean;
  allowExpired?: boolean;
  usage?: string;
}

/** `--usage web|api`; a usage error naming the choices otherwise. */
function usageOption(text: string | undefined): Usage | undefined {
  if (text === undefined) return undefined;
  const v = text.trim().toLowerCase();
  if (!isUsage(v)) throw errors.usage(`--usage "${text}" is not a usage; use ${USAGES.join(' or ')} (web: browsers, api: systems on the API routes)`);
  return v;
}

/** Name of the variable that may carry the PKCS#12 password (not on the command line, so not in `ps`). */
export const P12_PASSWORD_VARIABLE = 'CERTGATE_P12_PASSWORD';

/**
 * The PKCS#12 password: --password, else CERTGATE_P12_PASSWORD, else --password-stdin; when none was
 * given and the file needs one, asked on the terminal without echo.
 */
async function loadWithPassword(ctx: CliContext, data: Buffer, o: AddOptions): Promise<{ leaf: Buffer }> {
  if (o.password !== undefined && o.passwordStdin) throw errors.usage('give the password with --password or --password-stdin, not both');
  let password = o.password ?? (ctx.env[P12_PASSWORD_VARIABLE] || undefined);
  if (password === undefined && o.passwordStdin) password = (ctx.io.readStdin ? await ctx.io.readStdin() : '').split(/\r?\n/)[0] ?? '';
  try {
    return loadCertificateFile(data, password);
  } catch (err) {
    const needsPassword = password === undefined && err instanceof Error && /password-protected/.test(err.message);
    const typed = needsPassword && ctx.io.promptHidden ? await ctx.io.promptHidden('PKCS#12 password: ') : undefined;
    if (typed === undefined) throw err;
    return loadCertificateFile(data, typed);
  }
}

async function add(ctx: CliContext, serialArg: string | undefined, o: AddOptions): Promise<void> {
  const operatorId = validateOperatorId(o.operator);
  const usage = usageOption(o.usage);
  const now = ctx.now();
  const zone = ctx.timeZone();
  let reg: Registration;
  if (o.cert !== undefined) {
    if (serialArg !== undefined) throw errors.usage('give either a serial or --cert <file>, not both');
    if (o.notAfter !== undefined || o.notBefore !== undefined) {
      throw errors.usage('--not-after/--not-before cannot be combined with --cert: the dates are read from the certificate');
    }
    let data: Buffer;
    try {
      data = readFileSync(ctx.path(o.cert));
    } catch {
      throw errors.notFound(`cannot read the certificate file ${o.cert}; check the path`);
    }
    const { leaf } = await loadWithPassword(ctx, data, o);
    const facts = readCertificate(leaf);
    const ca = findIssuingCa(ctx.trustedCas(), leaf);
    if (!ca) {
      throw errors.certUntrustedIssuer(
        `the certificate in ${o.cert} (issuer "${facts.issuer}") was not issued by a trusted client CA (CERTGATE_CLIENT_CA); add its CA to that file first`,
      );
    }
    if (o.issuer !== undefined && resolveIssuer(ctx.trustedCas(), issuerSpec(ctx, o.issuer)).id !== ca.id) {
      throw errors.usage(`--issuer names a different CA than the one that issued ${o.cert}; leave --issuer out with --cert`);
    }
    if (facts.notAfter.getTime() < now) refuseExpired(facts.notAfter.getTime(), o, zone, ctx);
    reg = { issuerId: ca.id, serial: facts.serial, operatorId, notBefore: facts.notBefore.getTime(), notAfter: facts.notAfter.getTime(), addedAt: now };
  } else {
    if (serialArg === undefined) throw errors.usage('give the certificate serial (e.g. 0a:1b:2c) or --cert <file>');
    const serial = normaliseSerial(serialArg);
    const notAfter = o.notAfter === undefined ? undefined : dateOption(o.notAfter, '--not-after', 'end', zone);
    const notBefore = o.notBefore === undefined ? undefined : dateOption(o.notBefore, '--not-before', 'start', zone);
    if (notAfter !== undefined && notBefore !== undefined && notBefore > notAfter) throw errors.usage('--not-before is after --not-after');
    if (notAfter !== undefined && notAfter < now) refuseExpired(notAfter, o, zone, ctx);

    const ca = resolveIssuer(ctx.trustedCas(), issuerSpec(ctx, o.issuer));
    reg = { issuerId: ca.id, serial, operatorId, ...(notBefore !== undefined ? { notBefore } : {}), ...(notAfter !== undefined ? { notAfter } : {}), addedAt: now };
  }
  if (o.label !== undefined && o.label !== '') reg.label = o.label;
  if (usage === 'api') reg.usage = 'api';
  reg.addedBy = ctx.by.actor;
  const registry = await ctx.registry();
  const added = await registry.add(reg, { replace: o.replace === true, by: ctx.by });
  if (reg.notAfter === undefined) {
    ctx.warn(
      'warning: no expiry recorded, so this certificate will never show as expiring in `serial list --expiring-within` or the metrics; ' +
        'register it with --cert <file> (reads the dates) or give --not-after <YYYY-MM-DD>',
    );
  }
  ctx.print(
    `registered serial ${displaySerial(reg.serial)} for operator ${operatorId}` +
      (usageOf(reg) === 'api' ? ' for API use (certificate-only routes)' : '') +
      (reg.notAfter !== undefined ? `, valid until ${localDateTime(reg.notAfter, zone)}` : ', no expiry recorded') +
      (added.sessionsEnded !== undefined ? `; ${added.sessionsEnded} session(s) bound to it ended` : ''),
  );
}

/** A registration that can never work is a mistake unless the operator says otherwise (e.g. to keep a record). */
function refuseExpired(notAfter: number, o: AddOptions, zone: string, ctx: CliContext): void {
  const when = localDateTime(notAfter, zone);
  if (!o.allowExpired) {
    throw errors.usage(`the certificate expired on ${when}, so it could not be used to log in; check the date, or add --allow-expired to register it anyway`);
  }
  ctx.warn(`warning: this certificate expired on ${when}; registered because of --allow-expired`);
}

async function importCsv(ctx: CliContext, file: string, o: { issuer?: string }): Promise<void> {
  const text = readCsvFile(ctx.path(file));
  const cas = ctx.trustedCas();
  // Without --issuer and with several CAs, every row must name its CA in the issuer column.
  const defaultIssuer = o.issuer !== undefined || cas.length === 1 ? resolveIssuer(cas, issuerSpec(ctx, o.issuer)).id : undefined;
  const csvDir = dirname(ctx.path(file));
  // A relative CA file in the issuer column is looked up next to the CSV first.
  const issuerOf = (spec: string) => resolveIssuer(cas, !isAbsolute(spec) && existsSync(join(csvDir, spec)) ? join(csvDir, spec) : issuerSpec(ctx, spec)).id;
  const registry = await ctx.registry();
  const plan = await planImport(text, { issuerId: defaultIssuer, issuerOf, registry, now: ctx.now(), addedBy: ctx.by.actor, timeZone: ctx.timeZone() });
  if (plan.problems.length > 0) {
    for (const p of plan.problems.slice(0, MAX_PRINTED_PROBLEMS)) ctx.io.stderr(`${file}: ${p}\n`);
    const more = plan.problems.length - MAX_PRINTED_PROBLEMS;
    if (more > 0) ctx.io.stderr(`${file}: … and ${more} more\n`);
    throw errors.inputInvalid(`${plan.problems.length} problem(s) in ${file}; nothing was imported; fix the lines listed above and run the import again`);
  }
  const { added } = await registry.importRows(plan.rows, { by: ctx.by, source: file });
  const operators = new Set(plan.rows.map((r) => r.operatorId));
  ctx.print(`imported ${added} certificate serial(s) for ${operators.size} operator(s) from ${file}`);
}

async function list(ctx: CliContext, o: { operator?: string; usage?: string; expiringWithin?: string; expired?: boolean; json?: boolean }): Promise<void> {
  const now = ctx.now();
  const usage = usageOption(o.usage);
  const filter = {
    now,
    ...(usage !== undefined ? { usage } : {}),
    ...(o.operator !== undefined ? { operatorId: validateOperatorId(o.operator) } : {}),
    ...(o.expiringWithin !== undefined ? { expiringWithinDays: integerOption(o.expiringWithin, '--expiring-within', 0, 36500) } : {}),
    ...(o.expired ? { expired: true } : {}),
  };
  const rows = await (await ctx.registry()).list(filter);
  const zone = ctx.timeZone();
  if (o.json) return ctx.printJson(rows.map((r) => registrationJson(r, now)));
  if (rows.length === 0) return ctx.print('no certificate serials match');
  const lines = rows.map((r) => [
    displaySerial(r.serial),
    r.operatorId,
    usageOf(r),
    r.label ?? '',
    localDate(r.notBefore, zone),
    localDate(r.notAfter, zone),
    String(daysLeft(r, now) ?? '-'),
    registrationState(r, now),
  ]);
  ctx.print(table(['SERIAL', 'OPERATOR', 'USAGE', 'LABEL', zoneHeader('NOT BEFORE', zone), zoneHeader('NOT AFTER', zone), 'DAYS LEFT', 'STATE'], lines));
}

async function remove(ctx: CliContext, serialArgs: string[], o: { issuer?: string }): Promise<void> {
  const serials = [...new Set(serialArgs.map((s) => normaliseSerial(s)))];
  const registry = await ctx.registry();
  const targets: CertKey[] = [];
  const notFound: string[] = [];
  if (o.issuer !== undefined) {
    const issuerId = resolveIssuer(ctx.trustedCas(), issuerSpec(ctx, o.issuer)).id;
    targets.push(...serials.map((serial) => ({ issuerId, serial })));
  } else {
    const found = await registry.findBySerial(serials);
    for (const serial of serials) {
      const regs = found.get(serial) ?? [];
      if (regs.length > 1) {
        throw errors.usage(`serial ${displaySerial(serial)} is registered under ${regs.length} issuers; choose one with --issuer <CA file or fingerprint>`);
      }
      if (regs[0]) targets.push(regs[0]);
      else notFound.push(serial);
    }
  }
  const result = await registry.remove(targets, { by: ctx.by });
  for (const k of result.removed) ctx.print(`removed serial ${displaySerial(k.serial)}`);
  if (result.removed.length > 0) ctx.print(`${result.removed.length} removed; ${result.sessionsEnded} session(s) ended`);
  const missing = [...notFound, ...result.missing.map((k) => k.serial)];
  if (missing.length > 0) {
    throw errors.notFound(`not registered: ${missing.map((s) => displaySerial(s)).join(', ')}; see \`certgate serial list\``);
  }
}

async function prune(ctx: CliContext, o: { expiredBefore: string; dryRun?: boolean; json?: boolean }): Promise<void> {
  const now = ctx.now();
  const zone = ctx.timeZone();
  const before = dateOrDaysAgoOption(o.expiredBefore, '--expired-before', now, zone);
  const result = await (await ctx.registry()).prune({ before, dryRun: o.dryRun === true, by: ctx.by });
  if (o.json) {
    return ctx.printJson({
      dryRun: o.dryRun === true,
      expiredBefore: new Date(before).toISOString(),
      matched: result.entries.length,
      removed: result.removed,
      sessionsEnded: result.sessionsEnded,
      entries: result.entries.map((r) => registrationJson(r, now)),
    });
  }
  const verb = o.dryRun ? 'would remove' : 'removed';
  if (result.entries.length > 0) {
    ctx.print(
      table(
        ['SERIAL', 'OPERATOR', 'LABEL', zoneHeader('NOT AFTER', zone)],
        result.entries.map((r) => [displaySerial(r.serial), r.operatorId, r.label ?? '', localDate(r.notAfter, zone)]),
      ),
    );
  }
  const count = o.dryRun ? result.entries.length : result.removed;
  ctx.print(
    `${verb} ${count} certificate serial(s) that expired before ${localDateTime(before, zone)}` +
      (o.dryRun ? ' (dry run: nothing changed)' : `; ${result.sessionsEnded} session(s) ended`),
  );
}

export function register(program: Command, ctx: CliContext): void {
  const serial = program.command('serial').description('client-certificate serials allowed through the gateway');
  serial
    .command('add [serial]')
    .description('register a certificate serial (as browsers/OpenSSL print it: "0a 1b 2c", 0A:1B:2C, 0a1b2c), or --cert <file>')
    .requiredOption('--operator <id>', 'operator the certificate belongs to')
    .option('--not-after <YYYY-MM-DD>', 'last day the certificate may be used (whole day, CERTGATE_TIME_ZONE)')
    .option('--not-before <YYYY-MM-DD>', 'first day the certificate may be used (from 00:00, CERTGATE_TIME_ZONE)')
    .option('--label <text>', 'free text shown in lists (e.g. the holder)')
    .option('--issuer <CA file or fingerprint>', 'issuing CA; may be omitted when one client CA is trusted')
    .option('--cert <file>', 'read serial, issuer and validity from the certificate (PEM, DER or PKCS#12)')
    .option('--password <p12 password>', 'password of a PKCS#12 --cert file (visible in the process list: prefer CERTGATE_P12_PASSWORD, --password-stdin or the prompt)')
    .option('--password-stdin', 'read the PKCS#12 password from the first line of standard input')
    .option('--replace', 'overwrite an existing registration of the same certificate')
    .option('--usage <web|api>', 'web (default): browsers with login; api: systems on the API routes, certificate only')
    .option('--allow-expired', 'register a certificate whose expiry date has already passed')
    .action((s: string | undefined, o: AddOptions) => add(ctx, s, o));
  serial
    .command('import <file.csv>')
    .description('bulk registration from CSV with header serial,operator,not_after,label[,not_before][,usage][,issuer]; all rows or none')
    .option('--issuer <CA file or fingerprint>', 'issuing CA of rows without an issuer cell; may be omitted when one client CA is trusted')
    .action((file: string, o: { issuer?: string }) => importCsv(ctx, file, o));
  serial
    .command('list')
    .description('registered serials with days left, soonest expiry first')
    .option('--operator <id>', 'only this operator')
    .option('--usage <web|api>', 'only certificates registered for this usage')
    .option('--expiring-within <days>', 'only certificates expiring within this many days')
    .option('--expired', 'only certificates already expired (with --expiring-within: either)')
    .option('--json', 'one JSON document on stdout')
    .action((o: Parameters<typeof list>[1]) => list(ctx, o));
  serial
    .command('remove <serial...>')
    .description('unregister serials; sessions bound to them end at once')
    .option('--issuer <CA file or fingerprint>', 'issuing CA, when the same serial is registered under several')
    .action((serials: string[], o: { issuer?: string }) => remove(ctx, serials, o));
  serial
    .command('prune')
    .description('remove every certificate that expired before a date')
    .requiredOption('--expired-before <YYYY-MM-DD or Nd>', 'cut-off date, or e.g. 30d for 30 days ago')
    .option('--dry-run', 'only show what would be removed')
    .option('--json', 'one JSON document on stdout')
    .action((o: Parameters<typeof prune>[1]) => prune(ctx, o));
}

