/**
 * The forms a policy's `caCertificate` may take. Group Policy's text box holds one line, so a GPO
 * gives either the full path of a PEM file (expanded from REG_EXPAND_SZ, e.g.
 * `%ProgramData%\Wardline\ca.pem`) or the certificate itself as base64 DER on one line; the JSON
 * policy file may also carry PEM text. Anything else, a relative path above all (it would depend
 * on the working directory), is refused by the schema with the key named.
 */
export type CaCertificateForm = 'pem' | 'der-base64' | 'path';

/** DER base64 of any certificate: a SEQUENCE (0x30) then a long-form length, so "MI" then A–Z. */
const DER_BASE64 = /^MI[A-Za-z0-9+/]{60,}={0,2}$/;
const ABSOLUTE_PATH = /^(?:\/|\\\\|[A-Za-z]:[\\/])/;

export function caCertificateForm(value: string): CaCertificateForm | null {
  const text = value.trim();
  if (text.startsWith('-----BEGIN CERTIFICATE-----')) return 'pem';
  if (DER_BASE64.test(text) && text.length % 4 === 0) return 'der-base64';
  if (ABSOLUTE_PATH.test(text) && !/[\r\n]/.test(text)) return 'path';
  return null;
}
