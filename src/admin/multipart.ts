// Reads a multipart/form-data body (certificate applications) with busboy under strict limits —
// parts, fields, files, sizes — before any work, into ctx.state.form / ctx.state.files.
import busboy from 'busboy';
import { errors } from '../errors/certgate-error.js';
import { readForm } from '../auth/form-body.js';
import type { GatewayContext, GatewayMiddleware } from '../gateway/state.js';

export interface MultipartLimits {
  /** Whole body, checked against Content-Length and while streaming. */
  bodyBytes: number;
  files: number;
  fileBytes: number;
  fields: number;
  fieldBytes: number;
}

export const APPLICATION_LIMITS: MultipartLimits = { bodyBytes: 4 * 1024 * 1024, files: 50, fileBytes: 64 * 1024, fields: 400, fieldBytes: 1024 };

export async function readMultipart(ctx: GatewayContext, limits: MultipartLimits): Promise<void> {
  if (ctx.state.form) return;
  const form: Record<string, string> = {};
  const all: Array<[string, string]> = [];
  const files: NonNullable<GatewayContext['state']['files']> = [];
  ctx.state.form = form;
  ctx.state.formAll = all;
  ctx.state.files = files;
  if (!ctx.is('multipart/form-data')) return;
  if (Number(ctx.get('content-length') || '0') > limits.bodyBytes) throw errors.bodyTooLarge();
  await new Promise<void>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: ctx.req.headers,
        limits: { files: limits.files, fileSize: limits.fileBytes, fields: limits.fields, fieldSize: limits.fieldBytes, parts: limits.files + limits.fields },
      });
    } catch {
      reject(errors.usage('the form body is not valid multipart/form-data'));
      return;
    }
    let size = 0;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      ctx.req.unpipe(bb);
      ctx.req.resume(); // drain the rest so the connection can answer
      reject(err);
    };
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(errors.bodyTooLarge());
      all.push([name, value]);
      if (!Object.hasOwn(form, name)) form[name] = value;
    });
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => undefined);
      stream.on('close', () => {
        // A file input left empty still sends a part with no name: not a file.
        if (!info.filename && chunks.length === 0) return;
        files.push({ field, name: info.filename || 'unnamed', data: Buffer.concat(chunks), truncated: (stream as { truncated?: boolean }).truncated === true });
      });
    });
    bb.on('filesLimit', () => fail(errors.bodyTooLarge()));
    bb.on('fieldsLimit', () => fail(errors.bodyTooLarge()));
    bb.on('partsLimit', () => fail(errors.bodyTooLarge()));
    bb.on('error', () => fail(errors.usage('the form body is not valid multipart/form-data')));
    bb.on('close', () => {
      if (!failed) resolve();
    });
    ctx.req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limits.bodyBytes) fail(errors.bodyTooLarge());
    });
    ctx.req.on('error', (err) => fail(err));
    ctx.req.pipe(bb);
  });
}

/** Multipart bodies through busboy; the page's small urlencoded forms (withdraw) through readForm. */
export function multipartBody(limits: MultipartLimits = APPLICATION_LIMITS): GatewayMiddleware {
  return async function multipartBodyMiddleware(ctx, next) {
    if (ctx.is('multipart/form-data')) await readMultipart(ctx, limits);
    else await readForm(ctx);
    await next();
  };
}
