/**
 * One signed-in clinician's attachments, wired together: drafts being attached
 * (attachment-drafts.ts), received ones fetched in the background (attachment-fetcher.ts), and
 * opening and saving (attachment-access.ts). Created and stopped with the clinician's messaging,
 * so a lock or sign-out forgets every draft and stops every fetch.
 */
import type { IpcResult } from '../../shared/ipc/result';
import { ok } from '../../shared/ipc/result';
import type { Policy } from '../../shared/policy/policy-schema';
import type { AttachmentKind } from '../../shared/protocol/attachment';
import type { ActionRecords } from '../messaging/action-records';
import type { StoreClient } from '../store/store-client';
import { createAttachmentAccess } from './attachment-access';
import { createAttachmentDrafts, type PreparedFile } from './attachment-drafts';
import { createAttachmentFetcher } from './attachment-fetcher';

/** What main does to a file's bytes: read its kind, clean and re-encode it, make a thumbnail. */
export interface AttachmentMedia {
  readonly sniff: (bytes: Uint8Array) => AttachmentKind | null;
  readonly prepare: (bytes: Uint8Array, kind: AttachmentKind) => Promise<PreparedFile | 'unreadable'>;
  readonly thumbnail: (bytes: Uint8Array) => Promise<Uint8Array | null>;
}

/** The server's blob store, with this session's token. */
export interface BlobTransfer {
  readonly upload: (ciphertext: Uint8Array) => Promise<IpcResult<{ blobId: string }>>;
  readonly download: (blobId: string, maxBytes: number) => Promise<IpcResult<Uint8Array> | 'gone'>;
}

export interface AttachmentServiceDeps {
  readonly store: StoreClient;
  readonly records: ActionRecords;
  readonly policy: () => Pick<Policy, 'attachmentMaxMiB' | 'attachmentKinds' | 'attachmentSaving'>;
  readonly media: AttachmentMedia;
  readonly blobs: BlobTransfer;
  readonly downloadsDir: string;
  readonly now: () => number;
  readonly newId: () => string;
  readonly setTimer: (run: () => void, ms: number) => { cancel(): void };
  readonly onChanged: (messageId: string) => void;
  /** PHI-free codes only. */
  readonly onProblem: (code: string) => void;
}

export function createAttachmentService(deps: AttachmentServiceDeps) {
  const drafts = createAttachmentDrafts({
    policy: deps.policy,
    sniff: deps.media.sniff,
    prepare: deps.media.prepare,
    upload: deps.blobs.upload,
    newId: deps.newId,
  });
  const fetcher = createAttachmentFetcher({
    store: deps.store,
    download: deps.blobs.download,
    thumbnail: deps.media.thumbnail,
    now: deps.now,
    setTimer: deps.setTimer,
    onChanged: deps.onChanged,
    onProblem: deps.onProblem,
  });
  const access = createAttachmentAccess({
    store: deps.store,
    records: deps.records,
    now: deps.now,
    saving: () => deps.policy().attachmentSaving,
    downloadsDir: deps.downloadsDir,
  });

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
    /** A message with attachments was stored, or the connection came back. */
    wake: () => fetcher.wake(),
    stop() {
      fetcher.stop();
      drafts.clear();
    },
  };
}
