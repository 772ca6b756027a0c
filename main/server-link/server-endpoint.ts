/**
 * Where the server is and which CA this workstation trusts for it. Only that CA: never the
 * system store, never an unchecked certificate. A server presenting anything else is refused.
 */
export interface ServerEndpoint {
  /** `https://host:port`, no path. */
  readonly url: string;
  /** PEM of the pinned CA certificate, from policy or configuration. */
  readonly caPem: string;
}

const TLS_TRUST_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/** A transport failure, classified: the certificate was not the pinned one, or the server could not be reached. */
export function classifyTransportError(error: unknown): 'UNTRUSTED' | 'UNREACHABLE' {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TLS_TRUST_ERRORS.has(code) ? 'UNTRUSTED' : 'UNREACHABLE';
}
