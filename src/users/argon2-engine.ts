// The argon2id seam: PasswordHasher's limits stay in one place while the hashing itself runs in-process or in a child.
import argon2 from 'argon2';

export interface Argon2Params {
  /** KiB; OWASP minimum 19456. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface Argon2Engine {
  hash(password: string, params: Argon2Params): Promise<string>;
  /**
   * False for a wrong password or an unreadable stored hash. Throws only when the engine itself failed
   * (e.g. errors.overloaded() from a crashed child), so that is never counted as a wrong password.
   */
  verify(hash: string, password: string): Promise<boolean>;
  close(): Promise<void>;
}

/** argon2 on this process's libuv threadpool: the CLI and unit tests, and the body of the child engine. */
export class InProcessArgon2Engine implements Argon2Engine {
  hash(password: string, params: Argon2Params): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: params.memoryCost,
      timeCost: params.timeCost,
      parallelism: params.parallelism,
    });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A corrupt stored hash must read as "wrong password", never as a match.
      return false;
    }
  }

  async close(): Promise<void> {}
}
