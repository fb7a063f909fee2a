// `npm run certs`: writes the development PKI to certs-dev/ (skipped when it exists; --force renews it).
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { devCertsDir } from '../src/config/paths.js';
import { DEV_P12_PASSWORD, generateDevPki } from '../src/tls/dev-pki.js';

function main(argv: string[]): number {
  let force = false;
  let dirArg: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--force') force = true;
    else if (a === '--dir' && argv[i + 1]) dirArg = argv[++i];
    else {
      process.stderr.write(`certs: unexpected argument "${a}"; usage: npm run certs -- [--force] [--dir <directory>]\n`);
      return 2;
    }
  }
  const dir = dirArg !== undefined ? resolve(dirArg) : devCertsDir();
  const rel = relative(process.cwd(), dir);
  const shown = rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
  if (!force && existsSync(join(dir, 'ca.crt'))) {
    process.stdout.write(`certs: ${shown}/ca.crt exists; keeping the dev PKI (use \`npm run certs -- --force\` to renew it)\n`);
    generateDevPki(dir);
    return 0;
  }
  const manifest = generateDevPki(dir, { force: true });
  const demo = manifest.demo;
  process.stdout.write(
    [
      `certs: wrote the dev PKI to ${shown}/ (what each file is for: certs-dev/README.md)`,
      `  trust for the server:   ${shown}/ca.crt`,
      `  browser certificate:    ${shown}/demo.p12 (password "${DEV_P12_PASSWORD}")${demo ? `, serial ${demo.displaySerial}` : ''}`,
      `  API (system) cert:      ${shown}/demo-api.{crt,key,p12} (register with --usage api)`,
      `  other client kinds:     demo-ec, expired, not-yet-valid, unregistered, revoked (crl.pem), foreign`,
      '',
    ].join('\n'),
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
