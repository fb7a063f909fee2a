// The certificate gate's registration read: one GET of the certificate's own key, answered from a
// local copy (store/local-copy.ts) while the store's invalidation feed is live.
import { keys, registryField } from '../store/keys.js';
import type { Store } from '../store/store.js';
import { LocalCopy, type LocalCopyBound } from '../store/local-copy.js';
import type { InvalidationFeed } from '../store/invalidation-feed.js';
import { decodeRegistration, type Registration } from './registration.js';

/** Registrations kept per process; an absent one is kept too, so a flood of unknown certificates costs no reads. */
export const REGISTRATION_COPY_BOUND: LocalCopyBound = { maxEntries: 100_000, maxAgeMs: 5_000 };

export class RegistrationReader {
  private readonly copy: LocalCopy<Registration | null> | undefined;

  constructor(
    private readonly store: Store,
    feed?: InvalidationFeed,
  ) {
    this.copy = feed ? new LocalCopy(feed, REGISTRATION_COPY_BOUND) : undefined;
  }

  /** From the local copy: the registration, null for "not registered", undefined when the store must be asked. */
  local(issuerId: string, serial: string, now: number): Registration | null | undefined {
    return this.copy?.get(keys.registration(issuerId, serial), now);
  }

  /** From the store (kept in the local copy when the feed allows). A failure rejects: never "not registered". */
  async read(issuerId: string, serial: string, now: number): Promise<Registration | undefined> {
    const key = keys.registration(issuerId, serial);
    const read = async (): Promise<Registration | null> => {
      const json = await this.store.get(key);
      return json ? decodeRegistration(registryField(issuerId, serial), json) : null;
    };
    return (await (this.copy ? this.copy.fill(key, now, read, (r) => r) : read())) ?? undefined;
  }
}
