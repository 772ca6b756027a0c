/**
 * The two names a deployment gives its audit exports, so that what a SIEM or an Audit Record
 * Repository receives is in the hospital's own namespace rather than a made-up one:
 *
 * - the IANA Private Enterprise Number (PEN) in the syslog SD-IDs (`audit@<PEN>`, RFC 5424
 *   §7.2.2). The default is 32473, which RFC 5612 reserves for documentation: it is the one
 *   number that can never belong to a real organisation, so SD-IDs made with it never pass for,
 *   or collide with, another enterprise's. Any other fixed default would squat on somebody's
 *   number. Wardline has no PEN of its own, so a hospital sets its own (free from IANA), and the
 *   server warns at every start while forwarding with the placeholder;
 * - the base URL of the FHIR code systems, identifier systems and extensions
 *   (`<base>/CodeSystem/audit-action`, …). The default is under `wardline.invalid`, a name
 *   RFC 6761 guarantees never to resolve, so it names nobody's host; a hospital that publishes
 *   its own NamingSystems sets the base it publishes them under.
 *
 * Readers accept any valid value (each export says which it used), so a change of either never
 * makes an older export or SIEM copy unreadable.
 */
import { z } from 'zod';

/** RFC 5612: reserved for documentation; the placeholder until a hospital sets its own. */
export const DOCUMENTATION_ENTERPRISE_NUMBER = 32473;
/** RFC 6761 `.invalid`: names no real host. */
export const DEFAULT_FHIR_CODE_SYSTEM_BASE = 'https://wardline.invalid/fhir';

/** PENs are assigned from 1 upwards; an SNMP arc holds 32 bits. */
export const enterpriseNumber = z
  .number()
  .int()
  .min(1)
  .max(2 ** 32 - 1);

const DECIMAL = /^[1-9]\d{0,9}$/;
const BASE_MAX = 200;

/** A PEN as typed on a command line: decimal, no sign or leading zero; null if not one. */
export function parseEnterpriseNumber(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const parsed = enterpriseNumber.safeParse(Number(text));
  return parsed.success ? parsed.data : null;
}

/**
 * A code-system base: an absolute https URL with a host, without credentials, query or
 * fragment. Answers its normal form (as the URL parser writes it, without a trailing slash, so
 * `<base>/CodeSystem/…` has one slash), or null.
 */
export function parseFhirCodeSystemBase(text: string): string | null {
  if (text.length > BASE_MAX || /\s/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '') return null;
  // `new URL` drops an empty `?` or `#`, so the text itself is checked too.
  if (url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) return null;
  const base = url.href.replace(/\/+$/, '');
  return base.length > 'https://'.length ? base : null;
}
