/**
 * The archive private key split so that no one person holds it: Shamir's secret sharing over
 * GF(2^8) (the audited `shamir-secret-sharing` library), N share files of which any K rebuild the
 * key and K−1 reveal nothing of it. Each share file describes the key it belongs to like the key
 * file does (archive-key-file.ts), with its number, N and K.
 *
 * Shamir's scheme cannot tell a wrong answer from a right one: K−1 shares, a damaged share or
 * one of another key combine to some 32 bytes all the same. So the rebuilt key is accepted only
 * if its public key has the fingerprint the shares name; anything else is refused by code.
 */
import { combine, split } from 'shamir-secret-sharing';
import { z } from 'zod';
import { fixedBytes, KEY_BYTES } from '../../protocol/binary';
import { err, ok, type Result } from '../../result';
import { fromBase64, toBase64 } from '../crypto/base64';
import { describedFingerprint, describedKey, keyDescription } from './archive-key-file';
import { archiveKeyPairOf, type ArchiveKeyPair } from './archive-key-pair';

export const ARCHIVE_SHARE_FILE_FORMAT = 'wardline-archive-key-share';
/** What the library allows: at least 2, at most 255 (one x coordinate per byte value but zero). */
export const MAX_SHARES = 255;
/** A share is the key's 32 bytes and the share's x coordinate. */
const SHARE_BYTES = KEY_BYTES + 1;

const count = z.number().int().min(2).max(MAX_SHARES);
const shareFile = z
  .strictObject({
    format: z.literal(ARCHIVE_SHARE_FILE_FORMAT),
    ...describedKey,
    /** This share's number, 1 to `shares`, for the people who hold them. */
    share: z.number().int().min(1).max(MAX_SHARES),
    shares: count,
    threshold: count,
    secret: fixedBytes(SHARE_BYTES),
  })
  .refine((file) => file.threshold <= file.shares && file.share <= file.shares);
type ShareFile = z.infer<typeof shareFile>;

export interface ShareSplit {
  /** N: how many shares are made. */
  readonly shares: number;
  /** K: how many rebuild the key. */
  readonly threshold: number;
}

/** Whether a split can be made: 2 ≤ K ≤ N ≤ 255. */
export function isShareSplit(value: ShareSplit): boolean {
  return (
    count.safeParse(value.shares).success && count.safeParse(value.threshold).success && value.threshold <= value.shares
  );
}

/** The N share files' texts, in share order. */
export async function archiveShareFileTexts(
  pair: ArchiveKeyPair,
  at: ShareSplit,
  createdAt: number,
): Promise<string[]> {
  if (!isShareSplit(at)) throw new RangeError('2 ≤ threshold ≤ shares ≤ 255');
  const secrets = await split(pair.encryption.privateKey, at.shares, at.threshold);
  try {
    return secrets.map((secret, index) => {
      const share = index + 1;
      const document = {
        format: ARCHIVE_SHARE_FILE_FORMAT,
        note:
          `Share ${String(share)} of ${String(at.shares)} of the hospital's Wardline archive private key. Any ` +
          `${String(at.threshold)} of the shares together rebuild the key; fewer reveal nothing of it. Keep this ` +
          'share apart from the others, offline.',
        ...keyDescription(pair, createdAt),
        share,
        shares: at.shares,
        threshold: at.threshold,
        secret: toBase64(secret),
      };
      return `${JSON.stringify(document, null, 2)}\n`;
    });
  } finally {
    for (const secret of secrets) secret.fill(0);
  }
}

export function isArchiveShareFile(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as { format?: unknown }).format === ARCHIVE_SHARE_FILE_FORMAT
  );
}

export type RebuildError =
  /** Not a share file of this format and version. */
  | 'INVALID'
  /** Its recipient, fingerprint and public key disagree: a damaged or edited file. */
  | 'INCONSISTENT'
  /** The shares describe different keys, or different splits of one. */
  | 'SHARES_OF_DIFFERENT_KEYS'
  /** The same share twice. */
  | 'SHARE_REPEATED'
  /** Fewer shares than the split's threshold. */
  | 'TOO_FEW_SHARES'
  /** They combine to a key without the fingerprint they name: a share damaged, or the threshold edited. */
  | 'SHARES_DO_NOT_REBUILD_KEY';

/** Which of the given files is at fault, when one is (its index), else null. */
export interface RebuildFailure {
  readonly code: RebuildError;
  readonly file: number | null;
}

/** The key the parsed share files rebuild, checked against the fingerprint they name. */
export async function rebuildArchiveKey(values: readonly unknown[]): Promise<Result<ArchiveKeyPair, RebuildFailure>> {
  const files: ShareFile[] = [];
  const secrets: Uint8Array[] = [];
  const wipe = () => {
    for (const secret of secrets) secret.fill(0);
  };
  const refuse = (code: RebuildError, file: number | null) => {
    wipe();
    return err({ code, file });
  };
  let fingerprint: string | null = null;
  for (const [index, value] of values.entries()) {
    const parsed = shareFile.safeParse(value);
    const secret = parsed.success ? fromBase64(parsed.data.secret, SHARE_BYTES) : null;
    if (!parsed.success || secret === null) return refuse('INVALID', index);
    const named = describedFingerprint(parsed.data);
    if (named === null) return refuse('INCONSISTENT', index);
    const first = files[0];
    if (first !== undefined && (named !== fingerprint || !sameSplit(first, parsed.data)))
      return refuse('SHARES_OF_DIFFERENT_KEYS', index);
    // The last byte is the share's x coordinate: two shares at one x are one share.
    const x = secret[KEY_BYTES];
    if (files.some((file) => file.share === parsed.data.share) || secrets.some((other) => other[KEY_BYTES] === x))
      return refuse('SHARE_REPEATED', index);
    fingerprint = named;
    files.push(parsed.data);
    secrets.push(secret);
  }
  const first = files[0];
  if (first === undefined || files.length < first.threshold) return refuse('TOO_FEW_SHARES', null);

  let combined: Uint8Array;
  try {
    combined = await combine(secrets);
  } finally {
    wipe();
  }
  const pair = await archiveKeyPairOf(combined);
  if (pair.fingerprint !== fingerprint) {
    combined.fill(0);
    return err({ code: 'SHARES_DO_NOT_REBUILD_KEY', file: null });
  }
  return ok(pair);
}

function sameSplit(a: ShareFile, b: ShareFile): boolean {
  return (
    a.publicKey === b.publicKey && a.shares === b.shares && a.threshold === b.threshold && a.createdAt === b.createdAt
  );
}
