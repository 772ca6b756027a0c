/**
 * How much blob storage one person can take before a message claims it: the largest blob, how
 * many blobs (and bytes) may wait unsent at once, and how long they wait before housekeeping
 * deletes them. A send claims its blobs, which then follow the message, so these bound what an
 * account can park on the server without delivering anything to anyone.
 */
import { DEFAULT_MAX_BLOB_BYTES, MAX_ATTACHMENTS } from '../../shared/protocol/blob-api';
import { ServerOptionError } from '../server-option-error';

export interface BlobLimits {
  /** Largest blob, in bytes. */
  readonly maxBlobBytes: number;
  /** Blobs uploaded (or uploading) and not yet sent with a message, per user. */
  readonly maxPendingBlobs: number;
  /** Their bytes, per user: what a finished upload holds, and what an unfinished one may still grow to. */
  readonly maxPendingBytes: number;
  /** An unsent blob is deleted this long after its upload began. */
  readonly pendingTtlMs: number;
}

export const DEFAULT_BLOB_LIMITS: BlobLimits = Object.freeze({
  maxBlobBytes: DEFAULT_MAX_BLOB_BYTES,
  // Two messages' worth of attachments in flight (a retry beside a new one).
  maxPendingBlobs: 2 * MAX_ATTACHMENTS,
  maxPendingBytes: 1024 * 1024 * 1024,
  pendingTtlMs: 24 * 60 * 60 * 1000,
});

const positiveInteger = (value: number) => Number.isSafeInteger(value) && value > 0;

/** The defaults with the caller's changes, refused (before the server starts) if they cannot hold a blob. */
export function blobLimitsOf(options: Partial<BlobLimits> | undefined): BlobLimits {
  const limits = { ...DEFAULT_BLOB_LIMITS, ...options };
  if (
    !Object.values(limits).every(positiveInteger) ||
    limits.maxPendingBytes < limits.maxBlobBytes ||
    limits.maxBlobBytes > Number.MAX_SAFE_INTEGER / 2
  )
    throw new ServerOptionError('BLOB_LIMITS_INVALID');
  return limits;
}
