// Why an application was refused before it was stored: stable codes the pages translate, with the
// item (file name, serial or row) they concern. Everything is checked before anything is written.
import { CertgateError } from '../errors/certgate-error.js';

export const PROBLEM_CODES = [
  'none',
  'too-many',
  'file-type',
  'file-too-large',
  'private-key',
  'not-a-certificate',
  'untrusted',
  'issuer-ambiguous',
  'serial-invalid',
  'date-invalid',
  'expired',
  'duplicate',
  'already-registered',
  'already-applied',
  'not-registered',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface ApplicationProblem {
  code: ProblemCode;
  /** File name, serial as typed, or row number. */
  item?: string;
}

/** An application refused as a whole; `problems` lists every reason (nothing was stored). */
export class ApplicationRefused extends CertgateError {
  constructor(readonly problems: ApplicationProblem[]) {
    super('INPUT_INVALID', `the application was refused: ${problems.map((p) => `${p.code}${p.item ? ` (${p.item})` : ''}`).join('; ')}`, {
      status: 422,
      expose: true,
    });
  }
}
