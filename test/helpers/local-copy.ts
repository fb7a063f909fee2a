// Waits on the gateway's invalidation feed (src/store/invalidation-feed.ts) by its own events, with a
// generous ceiling: tracking links open asynchronously and invalidations arrive on their own socket.
import type { InvalidationFeed } from '../../src/store/invalidation-feed.js';

function when(feed: InvalidationFeed, done: (key: string | undefined) => boolean, what: string, ceilingMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${what} did not happen within ${ceilingMs} ms`));
    }, ceilingMs);
    const off = feed.subscribe((key) => {
      if (!done(key)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Resolves once every primary has a live tracking link (at once if it already has). */
export async function feedLive(feed: InvalidationFeed, ceilingMs = 30_000): Promise<void> {
  if (feed.live) return;
  await when(feed, () => feed.live, 'tracking links live', ceilingMs);
}

/** Resolves once the feed reports `key` changed (or everything dropped): start waiting BEFORE the write. */
export function invalidationOf(feed: InvalidationFeed, key: string, ceilingMs = 30_000): Promise<void> {
  return when(feed, (k) => k === key || k === undefined, `invalidation of ${key}`, ceilingMs);
}
