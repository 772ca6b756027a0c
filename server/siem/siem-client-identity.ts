/**
 * The client certificate this server presents to the SIEM (IHE ATNA: both ends of the syslog
 * link authenticate with X.509), checked before forwarding starts: a certificate or key that
 * cannot be read, or a key that is not the certificate's, would otherwise show only as a SIEM
 * that keeps closing the connection. Errors are codes, never file contents or OpenSSL's text.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import tls from 'node:tls';
import { err, ok, type Result } from '../../shared/result';

export interface SiemClientCertificate {
  /** PEM: the certificate, optionally followed by its intermediate CAs. */
  readonly certPem: string;
  /** PEM: its private key, unencrypted (the server starts unattended). */
  readonly keyPem: string;
}

export type SiemIdentityProblem =
  'CERTIFICATE_UNREADABLE' | 'KEY_UNREADABLE' | 'KEY_DOES_NOT_MATCH_CERTIFICATE' | 'NOT_USABLE_FOR_TLS';

/** A sentence for the operator, naming the flags, for each problem. */
export const SIEM_IDENTITY_PROBLEMS: Readonly<Record<SiemIdentityProblem, string>> = {
  CERTIFICATE_UNREADABLE: '--siem-cert must be a readable PEM certificate',
  KEY_UNREADABLE: '--siem-key must be a readable, unencrypted PEM private key',
  KEY_DOES_NOT_MATCH_CERTIFICATE: '--siem-key is not the private key of the --siem-cert certificate',
  NOT_USABLE_FOR_TLS: '--siem-cert and --siem-key cannot be used for a TLS connection',
};

/** The pair, if it is one: both readable, the key the certificate's, and accepted by TLS. */
export function checkSiemClientCertificate(
  identity: SiemClientCertificate,
): Result<SiemClientCertificate, SiemIdentityProblem> {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(identity.certPem);
  } catch {
    return err('CERTIFICATE_UNREADABLE');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(identity.keyPem);
  } catch {
    return err('KEY_UNREADABLE');
  }
  if (!certificate.checkPrivateKey(key)) return err('KEY_DOES_NOT_MATCH_CERTIFICATE');
  try {
    // What the connection itself will load: a chain or key type TLS refuses shows now.
    tls.createSecureContext({ cert: identity.certPem, key: identity.keyPem });
  } catch {
    return err('NOT_USABLE_FOR_TLS');
  }
  return ok(identity);
}
