// Builds a multipart/form-data body by hand (what a browser sends), for the application upload tests.
import { randomBytes } from 'node:crypto';

export interface Part {
  name: string;
  value?: string;
  file?: { filename: string; data: Buffer | string; type?: string };
}

export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----certgate${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if (p.file) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.file.filename}"\r\nContent-Type: ${p.file.type ?? 'application/octet-stream'}\r\n\r\n`));
      chunks.push(Buffer.isBuffer(p.file.data) ? p.file.data : Buffer.from(p.file.data));
      chunks.push(Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value ?? ''}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
