/**
 * What an enrollment screen shows besides the QR code: the secret for manual entry, in groups a
 * person can read aloud and type, and the settings an authenticator asks for. Parsed with `URL`;
 * nothing here is logged or kept.
 */
export interface OtpauthDetails {
  readonly issuer: string | null;
  readonly account: string | null;
  /** Base32, upper case, without spaces or padding. */
  readonly secret: string;
  readonly digits: number;
  readonly periodSeconds: number;
  readonly algorithm: string;
}

const BASE32 = /^[A-Z2-7]+$/;

export function parseOtpauthUri(uri: string): OtpauthDetails | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'otpauth:' || url.host.toLowerCase() !== 'totp') return null;
  const secret = (url.searchParams.get('secret') ?? '').replace(/[\s=]/g, '').toUpperCase();
  if (secret === '' || !BASE32.test(secret)) return null;

  let label = '';
  try {
    label = decodeURIComponent(url.pathname.replace(/^\//, ''));
  } catch {
    label = '';
  }
  const colon = label.indexOf(':');
  const labelIssuer = colon >= 0 ? label.slice(0, colon).trim() : '';
  const account = (colon >= 0 ? label.slice(colon + 1) : label).trim();
  const issuer = url.searchParams.get('issuer')?.trim() ?? labelIssuer;

  return {
    issuer: issuer === '' ? null : issuer,
    account: account === '' ? null : account,
    secret,
    digits: positiveInt(url.searchParams.get('digits'), 6),
    periodSeconds: positiveInt(url.searchParams.get('period'), 30),
    algorithm: (url.searchParams.get('algorithm') ?? 'SHA1').toUpperCase(),
  };
}

/** `JBSWY3DPEHPK3PXP` → `JBSW Y3DP EHPK 3PXP`. */
export function groupSecret(secret: string, size = 4): string {
  const groups: string[] = [];
  for (let i = 0; i < secret.length; i += size) groups.push(secret.slice(i, i + size));
  return groups.join(' ');
}

function positiveInt(value: string | null, fallback: number): number {
  const parsed = Number(value);
  return value !== null && Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}
