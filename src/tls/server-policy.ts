// The mTLS listener's protocol choices, in one place for the first secure context and every reload:
// TLS 1.2 and 1.3 only, forward-secret (ECDHE) key exchange and AEAD ciphers only, in the server's order.
import type { SecureContextOptions, TlsOptions } from 'node:tls';

/**
 * TLS 1.3 suites (all AEAD) then TLS 1.2 suites (ECDHE + AEAD only: no CBC, no static-RSA or DHE key
 * exchange, which node's default list still allows). AES-GCM first: servers have AES-NI, so it costs
 * less than ChaCha20 there; clients without AES hardware still get ChaCha20-Poly1305.
 */
export const SERVER_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * Spread into createServer and every setSecureContext: a reload must not fall back to node's defaults.
 * Key-exchange groups are deliberately not pinned: OpenSSL's defaults put X25519 first (what browsers
 * send a key share for), and a newer OpenSSL (3.5, in node 24) adds the post-quantum hybrid
 * X25519MLKEM768 ahead of it; a fixed list here would switch that off.
 */
export const SERVER_TLS_POLICY: Pick<TlsOptions & SecureContextOptions, 'minVersion' | 'ciphers' | 'honorCipherOrder'> = {
  minVersion: 'TLSv1.2',
  ciphers: SERVER_CIPHERS,
  honorCipherOrder: true,
};
