/**
 * One signed-in clinician's attachments, wired together: drafts being attached
 * (attachment-drafts.ts), received ones fetched in the background (attachment-fetcher.ts),
 * opening and saving (attachment-access.ts), and unlinking files nothing needs
 * (attachment-file-sweep.ts). Created and stopped with the clinician's messaging, so a lock or
 * sign-out forgets every draft and stops every fetch.
 */
import type { IpcResult } from '../../shared/ipc/result';
import { ok } from '../../shared/ipc/result';
import type { Policy } from '../../shared/policy/policy-schema';
import type { AttachmentKind } from '../../shared/protocol/attachment';
import type { BlobDownload } from '../server-link/blob-client';
import type { ActionRecords } from '../messaging/action-records';
import type { StoreClient } from '../store/store-client';
import { createAttachmentAccess } from './attachment-access';
import { sweepDiscardedFiles, sweepOrphanFiles } from './attachment-file-sweep';
import type { AttachmentFiles } from './attachment-files';
import { createAttachmentDrafts, type PreparedFile } from './attachment-drafts';
import { createCipherThread } from './cipher-thread';
import { createAttachmentFetcher } from './attachment-fetcher';

/** What main does to a file's bytes: read its kind, clean and re-encode it, make a thumbnail. */
export interface AttachmentMedia {
  readonly sniff: (bytes: Uint8Array) => AttachmentKind | null;
  readonly prepare: (bytes: Uint8Array, kind: AttachmentKind) => Promise<PreparedFile | 'unreadable'>;
  readonly thumbnail: (bytes: Uint8Array) => Promise<Uint8Array | null>;
  /** A received preview (attachment-previews.ts) re-encoded as a thumbnail, or null if it is not one. */
  readonly previewThumbnail: (bytes: Uint8Array) => Promise<Uint8Array | null>;
}

/** The server's blob store, with this session's token. */
export interface BlobTransfer {
  /** Uploads ciphertext of `size` bytes as `pieces` yields it (sealed as it comes). */
  readonly upload: (pieces: AsyncIterable<Uint8Array>, size: number) => Promise<IpcResult<{ blobId: string }>>;
  /** The blob's size and its bytes as they arrive (iterating throws a BlobTransferError if they stop short). */
  readonly download: (blobId: string, maxBytes: number) => Promise<IpcResult<BlobDownload> | 'gone'>;
}

export interface AttachmentServiceDeps {
  readonly store: StoreClient;
  readonly records: ActionRecords;
  readonly policy: () => Pick<Policy, 'attachmentMaxMiB' | 'attachmentKinds' | 'attachmentSaving'>;
  readonly media: AttachmentMedia;
  readonly blobs: BlobTransfer;
  /** The files of this clinician's vault (attachment-files.ts). */
  readonly files: AttachmentFiles;
  readonly downloadsDir: string;
  readonly now: () => number;
  readonly newId: () => string;
  readonly setTimer: (run: () => void, ms: number) => { cancel(): void };
  readonly onChanged: (messageId: string) => void;
  /** PHI-free codes only. */
  readonly onProblem: (code: string) => void;
}

/** How often files let go by recalls and expiries are unlinked, besides every fetch round. */
const SWEEP_EVERY_MS = 5 * 60_000;

export function createAttachmentService(deps: AttachmentServiceDeps) {
  // File times are the OS clock's, whatever clock the rest is given.
  const sessionStart = Date.now();
  // A sweep or fetch under way when the session stops meets a closed vault: that is the stop, not
  // a problem worth a log line.
  let stopped = false;
  const onProblem = (code: string) => {
    if (!stopped) deps.onProblem(code);
  };
  // Sealing and opening run in one worker thread of this session's, ended with it.
  const cipher = createCipherThread();
  const drafts = createAttachmentDrafts({
    seal: (plain) => cipher.seal(plain),
    policy: deps.policy,
    sniff: deps.media.sniff,
    prepare: deps.media.prepare,
    upload: deps.blobs.upload,
    files: deps.files,
    newId: deps.newId,
  });
  const sweep = () => {
    sweepDiscardedFiles(deps.store, deps.files).catch(() => onProblem('ATTACHMENT_SWEEP_FAILED'));
  };
  const fetcher = createAttachmentFetcher({
    store: deps.store,
    download: deps.blobs.download,
    files: deps.files,
    cipher,
    thumbnail: deps.media.thumbnail,
    now: deps.now,
    setTimer: deps.setTimer,
    onChanged: deps.onChanged,
    onProblem,
  });
  const access = createAttachmentAccess({
    store: deps.store,
    records: deps.records,
    now: deps.now,
    saving: () => deps.policy().attachmentSaving,
    downloadsDir: deps.downloadsDir,
    files: deps.files,
    onRefetch: (messageId) => {
      deps.onChanged(messageId);
      fetcher.wake();
    },
  });
  sweepOrphanFiles(deps.store, deps.files, sessionStart)
    .then(sweep)
    .catch(() => onProblem('ATTACHMENT_SWEEP_FAILED'));
  let sweeper = deps.setTimer(function again() {
    sweep();
    sweeper = deps.setTimer(again, SWEEP_EVERY_MS);
  }, SWEEP_EVERY_MS);

  return {
    drafts,
    begin: (request: { fileName: string; mediaType: string; size: number }) => Promise.resolve(drafts.begin(request)),
    chunk: (request: { draftId: string; offset: number; data: string }) =>
      Promise.resolve(
        drafts.chunk({
          draftId: request.draftId,
          offset: request.offset,
          data: new Uint8Array(Buffer.from(request.data, 'base64')),
        }),
      ),
    finish: (draftId: string) => drafts.finish(draftId),
    discard: (draftId: string) => {
      drafts.discard(draftId);
      return Promise.resolve(ok({}));
    },
    open: (messageId: string, attachmentId: string) => access.open(messageId, attachmentId),
    save: (messageId: string, attachmentId: string) => access.save(messageId, attachmentId),
    async retry(messageId: string, attachmentId: string) {
      if (await deps.store.call('attachment.retry', { messageId, attachmentId })) {
        deps.onChanged(messageId);
        fetcher.wake();
      }
      return ok({});
    },
    /** A message with attachments was stored or recalled, or the connection came back. */
    wake() {
      fetcher.wake();
      sweep();
    },
    /** A message was recalled or expired: its files can go now. */
    sweep,
    stop() {
      stopped = true;
      sweeper.cancel();
      fetcher.stop();
      cipher.stop();
      drafts.clear();
    },
  };
}
