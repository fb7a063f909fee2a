// TLS 1.2 session-id resumption: node:tls keeps no server-side session cache of its own, so a client
// that resumes by session id (no ticket) would pay a full handshake every time. This is a bounded
// in-process LRU with a TTL, fed by the server's `newSession` / `resumeSession` events. Resumption
// only skips the handshake: the certificate gate still runs on every request.
import type { Server as TlsServer } from 'node:tls';

export interface SessionCacheOptions {
  /** Most sessions kept (oldest evicted first). */
  maxEntries?: number;
  /** Most bytes of session data kept (a session carries the client certificate: ~0.2–2 KiB). */
  maxBytes?: number;
  /** Lifetime of a stored session; matches the server's `sessionTimeout`. */
  ttlMs?: number;
  clock?: () => number;
}

/** Defaults: 10,000 sessions, 16 MiB, 300 s (node:tls's own session lifetime). */
export const SESSION_CACHE_DEFAULTS = { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024, ttlMs: 300_000 } as const;

interface Entry {
  data: Buffer;
  expiresAt: number;
}

export class TlsSessionCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly ttlMs: number;
  private readonly clock: () => number;
  // A Map iterates in insertion order: the first key is the least recently stored or used.
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(o: SessionCacheOptions = {}) {
    this.maxEntries = o.maxEntries ?? SESSION_CACHE_DEFAULTS.maxEntries;
    this.maxBytes = o.maxBytes ?? SESSION_CACHE_DEFAULTS.maxBytes;
    this.ttlMs = o.ttlMs ?? SESSION_CACHE_DEFAULTS.ttlMs;
    this.clock = o.clock ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  set(id: Buffer, data: Buffer): void {
    if (data.length > this.maxBytes) return;
    const key = id.toString('hex');
    this.remove(key);
    this.entries.set(key, { data, expiresAt: this.clock() + this.ttlMs });
    this.bytes += data.length;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  get(id: Buffer): Buffer | undefined {
    const key = id.toString('hex');
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock() >= entry.expiresAt) {
      this.remove(key);
      return undefined;
    }
    // Refresh the LRU position (not the lifetime: a session lives ttlMs from its full handshake).
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.data;
  }

  /** Forget every session: after the server's certificate or client CAs change, none may resume. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.data.length;
  }
}

const TLS13 = 0x0304;

/**
 * The protocol version inside a serialised SSL_SESSION (SEQUENCE { INTEGER 1, INTEGER sslVersion, … }),
 * or undefined when the bytes do not look like one.
 */
export function sessionProtocol(data: Buffer): number | undefined {
  if (data[0] !== 0x30) return undefined;
  let i = 1;
  const len = data[i] ?? 0;
  i += len & 0x80 ? 1 + (len & 0x7f) : 1;
  if (data[i] !== 0x02 || data[i + 1] !== 0x01) return undefined;
  i += 3;
  if (data[i] !== 0x02 || data[i + 1] !== 0x02) return undefined;
  return (data[i + 2]! << 8) | data[i + 3]!;
}

/**
 * Serve TLS 1.2 session-id resumption from `cache`. TLS 1.3 sessions are not stored: they resume by
 * ticket, and OpenSSL reports one per ticket issued, which would only fill the cache. Replacing the
 * server's secure context (certificate or CA reload) empties the cache, so no session made under
 * the old trust settings resumes under the new ones.
 */
export function attachSessionCache(server: TlsServer, cache: TlsSessionCache): void {
  server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    const version = sessionProtocol(data);
    if (version !== undefined && version < TLS13) cache.set(id, data);
    done();
  });
  server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
    done(null, cache.get(id) ?? null);
  });
  const setSecureContext = server.setSecureContext.bind(server);
  server.setSecureContext = (options) => {
    cache.clear();
    setSecureContext(options);
  };
}
