// `certgate assertion-key`: prints the key an upstream needs to verify X-Certgate-Assertion v2, so
// the portal can be given that key alone instead of CERTGATE_SECRET.
import type { Command } from 'commander';
import { errors } from '../../errors/certgate-error.js';
import { decodeAssertionKey, deriveKeys, encodeAssertionKey } from '../../config/derived-keys.js';
import type { CliContext } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('assertion-key')
    .description('print the key for CERTGATE_ASSERTION_KEY (derived from CERTGATE_SECRET) that the portal uses to verify assertions')
    .option('--json', 'print {"assertionKey": "…"}')
    .action((options: { json?: boolean }) => {
      const given = ctx.env.CERTGATE_ASSERTION_KEY;
      let key: Buffer | undefined;
      if (given) {
        key = decodeAssertionKey(given);
        if (!key) throw errors.usage('CERTGATE_ASSERTION_KEY is not base64url of 32 or more bytes; unset it to derive the key from CERTGATE_SECRET');
      } else {
        const secret = ctx.env.CERTGATE_SECRET;
        if (!secret) throw errors.usage('CERTGATE_SECRET is not set; run this where the gateway\'s CERTGATE_SECRET is set');
        if (Buffer.byteLength(secret) < 32) throw errors.usage('CERTGATE_SECRET must be at least 32 bytes; use the same value as the gateway');
        key = deriveKeys(Buffer.from(secret, 'utf8')).assertion;
      }
      const text = encodeAssertionKey(key);
      ctx.io.stdout(options.json ? `${JSON.stringify({ assertionKey: text })}\n` : `${text}\n`);
    });
}
