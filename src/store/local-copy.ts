// A bounded in-process copy of store values, answered only while the invalidation feed is live:
// a changed key is dropped when Redis reports it, everything is dropped when a tracking link goes
// down or comes up, and no entry is older than maxAgeMs whatever happens (ARCHITECTURE.md "Caches on the request path").
import type { InvalidationFeed } from './invalidation-feed.js';

export interface LocalCopyBound {
  /** Entries kept at most; the oldest is dropped first. */
  maxEntries: number;
  /** An entry older than this (by the request's clock) is read again from the store. */
  maxAgeMs: number;
}

interface Entry<V> {
  value: V;
  at: number;
  generation: number;
}

export class LocalCopy<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Reads in flight per key, and the keys that changed while one was in flight (their answers are not kept). */
  private readonly inFlight = new Map<string, number>();
  private readonly changedInFlight = new Set<string>();

  constructor(
    private readonly feed: InvalidationFeed,
    private readonly bound: LocalCopyBound,
  ) {
    feed.subscribe((key) => (key === undefined ? this.clear() : this.drop(key)));
  }

  /** The kept value, or undefined when the store must be asked (no entry, too old, feed not live). */
  get(key: string, now: number): V | undefined {
    if (!this.feed.live) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.generation !== this.feed.generation || now - entry.at > this.bound.maxAgeMs || now < entry.at) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /**
   * Read `key` from the store and keep `keep(answer)` (undefined: keep nothing). The answer is kept only
   * if the feed was live for the whole read and reported no change of the key meanwhile — so an
   * invalidation that overtakes the read's own reply never leaves a stale value behind.
   */
  async fill<T>(key: string, now: number, read: () => Promise<T>, keep: (answer: T) => V | undefined): Promise<T> {
    const generation = this.feed.generation;
    const live = this.feed.live;
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      const answer = await read();
      if (live && this.feed.live && this.feed.generation === generation && !this.changedInFlight.has(key)) {
        const value = keep(answer);
        if (value !== undefined) this.set(key, value, now, generation);
      }
      return answer;
    } finally {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else {
        this.inFlight.delete(key);
        this.changedInFlight.delete(key);
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private set(key: string, value: V, at: number, generation: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at, generation });
    if (this.entries.size > this.bound.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  private drop(key: string): void {
    this.entries.delete(key);
    if (this.inFlight.has(key)) this.changedInFlight.add(key);
  }

  private clear(): void {
    this.entries.clear();
    // Reads in flight carry the old generation: they are not kept either.
  }
}
