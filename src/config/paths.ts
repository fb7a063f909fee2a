// Locations inside the certgate package (dev certificates, demo content, runtime data).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Package root: this file is src/config/paths.ts, compiled to dist/src/config/paths.js. */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${'/dist/'}`) || here.endsWith('/dist') ? '../../..' : '../..';
  return resolve(here, up);
}

export const devCertsDir = (): string => process.env.CERTGATE_DEV_CERTS_DIR ?? join(packageRoot(), 'certs-dev');
export const varDir = (): string => join(packageRoot(), 'var');
export const demoContentDir = (): string => join(packageRoot(), 'content');
