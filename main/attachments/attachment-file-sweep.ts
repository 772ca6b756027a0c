/**
 * Unlinking attachment files nothing needs any more. Their keys are already gone from the vault
 * (schema-v9.ts), so a file waiting here is unreadable; unlinking is tidiness and disk space, and
 * may lag without harm.
 * - Discarded: files the vault let go (recall, expiry, a deleted message, a damaged file).
 * - Orphans: files no row names, written before this session began (a crash between writing a
 *   draft's file and sending it, a draft discarded while its file was written). Files of this
 *   session are never orphans: a draft's file is written before any row can name it. A file's
 *   time comes from the kernel's coarse clock, a little behind `Date.now()`, so only files a
 *   minute older than the session count (a crash's orphan from that last minute waits a session).
 */
import type { StoreClient } from '../store/store-client';
import type { AttachmentFiles } from './attachment-files';

const BATCH = 200;
const CLOCK_MARGIN_MS = 60_000;

export async function sweepDiscardedFiles(store: StoreClient, files: AttachmentFiles): Promise<void> {
  for (;;) {
    const names = await store.call('attachment.discardedFiles', { limit: BATCH });
    if (names.length === 0) return;
    await files.remove(names);
    await store.call('attachment.filesRemoved', { names });
    if (names.length < BATCH) return;
  }
}

export async function sweepOrphanFiles(
  store: StoreClient,
  files: AttachmentFiles,
  sessionStart: number,
): Promise<void> {
  const candidates = await files.olderThan(sessionStart - CLOCK_MARGIN_MS);
  if (candidates.length === 0) return;
  const inUse = new Set(await store.call('attachment.filesInUse', {}));
  await files.remove(candidates.filter((name) => !inUse.has(name)));
}
