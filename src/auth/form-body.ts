// Reads an application/x-www-form-urlencoded body into ctx.state.form, refusing anything over a
// small limit before reading it all (DESIGN "Limits before work").
import { errors } from '../errors/certgate-error.js';
import type { GatewayContext, GatewayMiddleware } from '../gateway/state.js';

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

/** A field as a string ('' when absent). */
export const field = (ctx: GatewayContext, name: string): string => ctx.state.form?.[name] ?? '';
