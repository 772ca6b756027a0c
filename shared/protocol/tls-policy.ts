/**
 * The TLS every Wardline endpoint speaks: the server's HTTPS and WebSocket, the workstation's
 * client of it, the audit CLI's client and the SIEM forwarder. One rule for all of them.
 *
 * TLS 1.2 or later. On 1.2 only forward-secret key exchange (ECDHE) with an AEAD cipher
 * (AES-GCM or ChaCha20-Poly1305): Node's default list also offers CBC suites (Lucky13-style
 * padding oracles), CCM8 (a short tag) and ARIA, which a hospital's TLS scan flags. TLS 1.3's
 * suites are all AEAD and ECDHE; they are named so that setting `ciphers` keeps 1.3 on.
 */
export const TLS_MIN_VERSION = 'TLSv1.2';

const TLS13_SUITES = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];
const TLS12_SUITES = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

/** OpenSSL cipher string for Node's `ciphers` option (server and client alike). */
export const TLS_CIPHERS = [...TLS13_SUITES, ...TLS12_SUITES].join(':');

/** The options each TLS endpoint spreads into its `tls`/`https`/`ws` options. */
export const TLS_OPTIONS = Object.freeze({ minVersion: TLS_MIN_VERSION, ciphers: TLS_CIPHERS } as const);
