// argon2id hashing with bounded concurrency and a bounded queue, so a burst of logins can slow
// logins down but never starve the proxied traffic of CPU (past the queue: 503 overloaded).
import { randomBytes } from 'node:crypto';
import { errors } from '../errors/certgate-error.js';
import type { Config } from '../config/config.js';
import { PASSWORD_MAX_BYTES } from './password-policy.js';
import { InProcessArgon2Engine, type Argon2Engine, type Argon2Params } from './argon2-engine.js';

export type { Argon2Engine, Argon2Params } from './argon2-engine.js';

export interface HasherLimits {
  /** argon2 operations running at once. */
  concurrency: number;
  /** Operations allowed to wait; one more is refused with errors.overloaded(). */
  queue: number;
}

export const DEFAULT_ARGON2: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
export const DEFAULT_LIMITS: HasherLimits = { concurrency: 4, queue: 64 };

export const tooLong = (password: string): boolean => Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;

export class PasswordHasher {
  /** argon2 operations actually run (tests prove limits with these; also handy in debugging). */
  readonly stats = { hashes: 0, verifications: 0 };
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private dummy: Promise<string> | undefined;

  constructor(
    private readonly params: Argon2Params = DEFAULT_ARGON2,
    private readonly limits: HasherLimits = DEFAULT_LIMITS,
    /** Where argon2 runs; the gateway passes Argon2ChildEngine so hashing cannot slow down proxying. */
    private readonly engine: Argon2Engine = new InProcessArgon2Engine(),
  ) {}

  static fromConfig(config: Pick<Config, 'argon2' | 'login'>): PasswordHasher {
    return new PasswordHasher(config.argon2, config.login);
  }

  async hash(password: string): Promise<string> {
    if (tooLong(password)) throw errors.usage(`passwords are limited to ${PASSWORD_MAX_BYTES} bytes`);
    return this.run(() => {
      this.stats.hashes++;
      return this.engine.hash(password, this.params);
    });
  }

  /**
   * False for a wrong password, an over-long one (never hashed) or an unreadable stored hash; rejects
   * (e.g. OVERLOADED) when the engine failed, which must not count as a wrong password.
   */
  async verify(hash: string, password: string): Promise<boolean> {
    if (tooLong(password)) return false;
    return this.run(() => {
      this.stats.verifications++;
      return this.engine.verify(hash, password);
    });
  }

  /** Same work as verify() against a hash nobody knows the password of: unknown users cost the same time. */
  async verifyDummy(password: string): Promise<false> {
    if (tooLong(password)) return false;
    const hash = await this.dummyHash();
    await this.verify(hash, password);
    return false;
  }

  /** Compute the dummy hash ahead of the first unknown-user login. */
  async warmUp(): Promise<void> {
    await this.dummyHash();
  }

  /** Operations running and waiting, for tests and metrics. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= this.engine
      .hash(randomBytes(32).toString('base64'), this.params)
      .catch((err: unknown) => {
        this.dummy = undefined;
        throw err;
      });
    return this.dummy;
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    if (this.active >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.queue) throw errors.overloaded();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await op();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same) or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
