// Reads an application/x-www-form-urlencoded body into ctx.state.form, refusing anything over a
// small limit before reading it all (ARCHITECTURE.md "Safety rules": limits before work).
import { errors } from '../errors/certgate-error.js';
import type { GatewayContext, GatewayMiddleware } from '../kernel/state.js';

export const FORM_LIMIT_BYTES = 8192;

/** Parse the body once; later calls (and a second formBody in a chain) reuse ctx.state.form. */
export async function readForm(ctx: GatewayContext, limitBytes = FORM_LIMIT_BYTES): Promise<Record<string, string>> {
  if (ctx.state.form) return ctx.state.form;
  const form: Record<string, string> = {};
  ctx.state.form = form;
  if (!ctx.is('application/x-www-form-urlencoded')) return form;
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > limitBytes) throw errors.bodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw errors.bodyTooLarge();
    chunks.push(buf);
  }
  // First value wins: a repeated field cannot smuggle a second `next` or `_csrf` past a check.
  const all: Array<[string, string]> = [];
  ctx.state.formAll = all;
  for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
    all.push([k, v]);
    if (!Object.hasOwn(form, k)) form[k] = v;
  }
  return form;
}

export function formBody(limitBytes = FORM_LIMIT_BYTES): GatewayMiddleware {
  return async function formBodyMiddleware(ctx, next) {
    await readForm(ctx, limitBytes);
    await next();
  };
}

/** The form the table's form step read (csrfChecked has confirmed the steps ran). */
export function formOf(ctx: GatewayContext): Record<string, string> {
  if (!ctx.state.form) throw errors.internal('form handler reached without the form step');
  return ctx.state.form;
}

/** A field as a string ('' when absent). */
export const field = (ctx: GatewayContext, name: string): string => ctx.state.form?.[name] ?? '';
