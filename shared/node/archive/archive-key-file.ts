/**
 * The archive private key file, as `npm run archive:keygen` writes it and `archive:open` reads
 * it: JSON a person can recognise (what it is, a warning, which key), with a format name and a
 * version so a later format is refused rather than misread. Every file that describes the key
 * (this one, and each share: archive-key-shares.ts) names the recipient, the fingerprint in its
 * grouped form and the public key, and a reader checks that all three agree before trusting any.
 */
import { z } from 'zod';
import { archiveRecipientOf, groupedFingerprint, parseArchiveFingerprint } from '../../protocol/archive-key';
import { fixedBytes, KEY_BYTES, publicKey } from '../../protocol/binary';
import { fromBase64, toBase64 } from '../crypto/base64';
import { archiveFingerprintOf, archiveKeyPairOf, type ArchiveKeyPair } from './archive-key-pair';

export const ARCHIVE_KEY_FILE_FORMAT = 'wardline-archive-private-key';
const VERSION = 1;

const PRIVATE_KEY_NOTE =
  "The hospital's Wardline archive private key. Whoever holds this file can read every message sealed to " +
  'the archive key named here. Keep it offline, never on the Wardline server.';

/** What every file describing the key says about it. */
export const describedKey = {
  version: z.literal(VERSION),
  note: z.string().max(1000),
  recipient: z.string().max(80),
  /** Grouped, as people compare it: `3f2a 9c01 …`. */
  fingerprint: z.string().max(100),
  publicKey,
  createdAt: z.iso.datetime(),
};

const keyFile = z.strictObject({
  format: z.literal(ARCHIVE_KEY_FILE_FORMAT),
  ...describedKey,
  privateKey: fixedBytes(KEY_BYTES),
});

/** The description of `pair` every file carries. */
export function keyDescription(pair: ArchiveKeyPair, createdAt: number) {
  return {
    version: VERSION,
    recipient: pair.recipient,
    fingerprint: groupedFingerprint(pair.fingerprint),
    publicKey: toBase64(pair.encryption.publicKey),
    createdAt: new Date(createdAt).toISOString(),
  } as const;
}

/** The fingerprint a description names, if its recipient, fingerprint and public key agree. */
export function describedFingerprint(value: {
  recipient: string;
  fingerprint: string;
  publicKey: string;
}): string | null {
  const fingerprint = parseArchiveFingerprint(value.fingerprint);
  const key = fromBase64(value.publicKey, KEY_BYTES);
  if (fingerprint === null || key === null) return null;
  if (archiveFingerprintOf(key) !== fingerprint || archiveRecipientOf(fingerprint) !== value.recipient) return null;
  return fingerprint;
}

export function archiveKeyFileText(pair: ArchiveKeyPair, createdAt: number): string {
  const document = {
    format: ARCHIVE_KEY_FILE_FORMAT,
    note: PRIVATE_KEY_NOTE,
    ...keyDescription(pair, createdAt),
    privateKey: toBase64(pair.encryption.privateKey),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function isArchiveKeyFile(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as { format?: unknown }).format === ARCHIVE_KEY_FILE_FORMAT
  );
}

/**
 * The key pair in a parsed key file, or why not: `INVALID` (not this format or version),
 * `INCONSISTENT` (its private key, public key, fingerprint and recipient do not all agree: a
 * damaged or edited file).
 */
export async function archiveKeyFromFile(value: unknown): Promise<ArchiveKeyPair | 'INVALID' | 'INCONSISTENT'> {
  const parsed = keyFile.safeParse(value);
  if (!parsed.success) return 'INVALID';
  const fingerprint = describedFingerprint(parsed.data);
  const privateKey = fromBase64(parsed.data.privateKey, KEY_BYTES);
  if (fingerprint === null || privateKey === null) return 'INCONSISTENT';
  const pair = await archiveKeyPairOf(privateKey);
  if (pair.fingerprint !== fingerprint) {
    privateKey.fill(0);
    return 'INCONSISTENT';
  }
  return pair;
}
