/**
 * Files being attached to a message that is not sent yet, held in main's memory for the
 * signed-in clinician only (cleared with everything else at lock and sign-out). The renderer
 * hands a file over in order; machine policy decides at once whether its kind and size may be
 * attached, before a byte is read. When the last byte is in, the real kind is read from the
 * bytes (never the name), an image is re-encoded without its metadata and a thumbnail made,
 * the result handed to the cipher worker (cipher-thread.ts) to seal under a fresh key, and each
 * sealed piece uploaded and written to the sender's own file as it comes (attachment-files.ts). From then on main holds no plaintext of it, only its
 * key. A send then names drafts by id and takes their sealed descriptions and files.
 *
 * Every step changes a draft's state synchronously before any await, so two requests racing on
 * one draft (a double finish, a chunk during finish, a discard mid-upload) cannot both act.
 */
import { appError, type ErrorCode } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import type { AttachmentDraft } from '../../shared/ipc/attachment-channels';
import {
  ATTACHMENT_MEDIA_TYPES,
  MAX_ATTACHMENTS,
  type AttachmentKind,
  type SealedMediaType,
} from '../../shared/protocol/attachment';
import { parseAttachmentKinds, type Policy } from '../../shared/policy/policy-schema';
import type { AttachmentRecord } from '../store/ops/attachment-ops';
import type { AttachmentSealing, CipherThread } from './cipher-thread';
import type { AttachmentFiles, FileWriter } from './attachment-files';
import { jpegFileName } from './converted-name';
import { declaredKind } from './declared-kind';

/** A file after main has read it: what is sealed and kept, and its thumbnail. */
export interface PreparedFile {
  readonly bytes: Uint8Array;
  readonly mediaType: SealedMediaType;
  readonly width: number | null;
  readonly height: number | null;
  readonly thumbnail: Uint8Array | null;
}

export interface DraftDeps {
  readonly policy: () => Pick<Policy, 'attachmentMaxMiB' | 'attachmentKinds'>;
  /** The real kind read from the bytes, or null for none Wardline knows. */
  readonly sniff: (bytes: Uint8Array) => AttachmentKind | null;
  /** Re-encodes an image without metadata and makes its thumbnail; checks a PDF's structure. */
  readonly prepare: (bytes: Uint8Array, kind: AttachmentKind) => Promise<PreparedFile | 'unreadable'>;
  /** Seals a file under a fresh key in the cipher worker (cipher-thread.ts); the bytes are handed over. */
  readonly seal: CipherThread['seal'];
  /** Uploads ciphertext as a blob, as `pieces` yields it; the server's id for it, or why not. */
  readonly upload: (pieces: AsyncIterable<Uint8Array>, size: number) => Promise<IpcResult<{ blobId: string }>>;
  /** The sender's own copy: where its ciphertext rests on this workstation. */
  readonly files: Pick<AttachmentFiles, 'create' | 'remove'>;
  readonly newId: () => string;
}

type Draft =
  | { state: 'receiving'; fileName: string; kind: AttachmentKind; bytes: Uint8Array; received: number }
  | { state: 'finishing'; fileName: string }
  | {
      /** Uploaded; `sending` while a send under way has taken it (no other send may). */
      state: 'ready' | 'sending';
      fileName: string;
      record: AttachmentRecord & { content: NonNullable<AttachmentRecord['content']> };
    };

export interface AttachmentDrafts {
  begin(input: { fileName: string; mediaType: string; size: number }): IpcResult<{ draftId: string }>;
  chunk(input: { draftId: string; offset: number; data: Uint8Array }): IpcResult<Record<string, never>>;
  finish(draftId: string): Promise<IpcResult<AttachmentDraft>>;
  discard(draftId: string): void;
  /**
   * The ready drafts a send names, in its order, claimed for that send at once (a second send
   * naming one gets NOT_FOUND), or NOT_FOUND if any is not ready. Then `consume` or `release`.
   */
  take(draftIds: readonly string[]): IpcResult<AttachmentRecord[]>;
  /** The send that took them was queued: they are its now. */
  consume(draftIds: readonly string[]): void;
  /** The send that took them failed: they are ready for another. */
  release(draftIds: readonly string[]): void;
  /** Lock or sign-out: every draft forgotten and its bytes zeroed. */
  clear(): void;
}

const MIB = 1024 * 1024;

export function createAttachmentDrafts(deps: DraftDeps): AttachmentDrafts {
  const drafts = new Map<string, Draft>();

  const allowedKinds = (): readonly AttachmentKind[] => {
    const named = deps.policy().attachmentKinds;
    return named === null
      ? (Object.keys(ATTACHMENT_MEDIA_TYPES) as AttachmentKind[])
      : (parseAttachmentKinds(named) ?? []);
  };
  const maxBytes = () => deps.policy().attachmentMaxMiB * MIB;
  /** Bytes held for drafts now: bounded so a hostile renderer cannot fill main's memory. */
  const heldBytes = () =>
    [...drafts.values()].reduce(
      (sum, draft) =>
        sum + (draft.state === 'receiving' ? draft.bytes.length : draft.state === 'finishing' ? 0 : draft.record.size),
      0,
    );
  const wipe = (draft: Draft | undefined) => {
    if (draft?.state === 'receiving') draft.bytes.fill(0);
    // A draft being sent keeps its file: the send under way stores it as the sender's copy. A
    // file not unlinked here (a crash) is swept as an orphan later (attachment-file-sweep.ts).
    if (draft?.state === 'ready') {
      draft.record.key.fill(0);
      deps.files.remove([draft.record.content.file]).catch(() => undefined);
    }
  };
  /**
   * Each piece as the worker seals it goes to the upload and to the sender's own file at once.
   * The file is kept only if every piece reached it; an upload that stops early leaves it short,
   * so it goes.
   */
  async function sendAndKeep(sealed: AttachmentSealing): Promise<{
    uploaded: IpcResult<{ blobId: string }>;
    file: { ok: true; name: string } | { ok: false; full: boolean };
  }> {
    let writer: FileWriter;
    try {
      writer = await deps.files.create();
    } catch (error) {
      const full = (error as NodeJS.ErrnoException).code === 'ENOSPC';
      return { uploaded: fail(appError(full ? 'DISK_FULL' : 'INTERNAL')), file: { ok: false, full } };
    }
    // Set as the upload reads the last piece: read through the object, never narrowed.
    const read = { whole: false };
    async function* pieces() {
      for await (const piece of sealed.pieces) {
        writer.write(piece);
        yield piece;
      }
      read.whole = true;
    }
    const uploaded = await deps
      .upload(pieces(), sealed.size)
      .catch((): IpcResult<{ blobId: string }> => fail(appError('INTERNAL')));
    if (!read.whole) {
      await writer.abandon();
      return { uploaded, file: { ok: false, full: false } };
    }
    const file = await writer.finish().then(
      (name) => ({ ok: true as const, name }),
      (error: unknown) => ({ ok: false as const, full: (error as NodeJS.ErrnoException).code === 'ENOSPC' }),
    );
    return { uploaded, file };
  }

  const refuse = (draftId: string, code: ErrorCode): IpcResult<never> => {
    wipe(drafts.get(draftId));
    drafts.delete(draftId);
    return fail(appError(code));
  };

  return {
    begin({ fileName, mediaType, size }) {
      const kind = declaredKind(fileName, mediaType);
      if (kind === null || !allowedKinds().includes(kind)) return fail(appError('ATTACHMENT_TYPE_NOT_ALLOWED'));
      if (size > maxBytes()) return fail(appError('ATTACHMENT_TOO_LARGE'));
      if (size === 0) return fail(appError('ATTACHMENT_UNREADABLE'));
      if (drafts.size >= 2 * MAX_ATTACHMENTS || heldBytes() + size > MAX_ATTACHMENTS * maxBytes())
        return fail(appError('PAYLOAD_TOO_LARGE'));
      const draftId = deps.newId();
      drafts.set(draftId, { state: 'receiving', fileName, kind, bytes: new Uint8Array(size), received: 0 });
      return ok({ draftId });
    },

    chunk({ draftId, offset, data }) {
      const draft = drafts.get(draftId);
      if (draft?.state !== 'receiving') return fail(appError('NOT_FOUND'));
      // In order and within the size declared at `begin`: anything else ends the draft.
      if (offset !== draft.received || offset + data.length > draft.bytes.length) return refuse(draftId, 'BAD_REQUEST');
      draft.bytes.set(data, offset);
      draft.received += data.length;
      return ok({});
    },

    async finish(draftId) {
      const draft = drafts.get(draftId);
      if (draft?.state !== 'receiving') return fail(appError('NOT_FOUND'));
      if (draft.received !== draft.bytes.length) return refuse(draftId, 'BAD_REQUEST');
      const { bytes } = draft;
      drafts.set(draftId, { state: 'finishing', fileName: draft.fileName });
      try {
        const kind = deps.sniff(bytes);
        if (kind === null) return refuse(draftId, 'ATTACHMENT_UNREADABLE');
        if (!allowedKinds().includes(kind)) return refuse(draftId, 'ATTACHMENT_TYPE_NOT_ALLOWED');
        const prepared = await deps.prepare(bytes, kind);
        if (prepared === 'unreadable') return refuse(draftId, 'ATTACHMENT_UNREADABLE');
        // A HEIC photo is sent as the JPEG it became, under a name that says so.
        const fileName = kind === 'heic' ? jpegFileName(draft.fileName) : draft.fileName;
        // A re-encoded photo may come out larger than it went in; the limit is on what is sent.
        if (prepared.bytes.length > maxBytes()) return refuse(draftId, 'ATTACHMENT_TOO_LARGE');
        const size = prepared.bytes.length;
        // Handed to the cipher worker (empty here after); its pieces come back as it seals them.
        // A detached array (transferred) cannot be filled, and holds nothing to wipe.
        const sealed = await deps.seal(prepared.bytes).finally(() => {
          if (prepared.bytes.byteLength > 0) prepared.bytes.fill(0);
        });
        if (sealed === 'failed') return refuse(draftId, 'INTERNAL');
        const stored = await sendAndKeep(sealed).finally(() => sealed.close());
        const { uploaded, file } = stored;
        const gone = drafts.get(draftId)?.state !== 'finishing';
        if (!uploaded.ok || !file.ok || gone) {
          sealed.key.fill(0);
          if (file.ok) await deps.files.remove([file.name]);
          // Discarded (or cleared by a lock) meanwhile: the server drops an unsent blob later.
          if (gone) return fail(appError('NOT_FOUND'));
          return refuse(draftId, !uploaded.ok ? uploaded.error.code : !file.ok && file.full ? 'DISK_FULL' : 'INTERNAL');
        }
        const record = {
          id: uploaded.value.blobId,
          fileName,
          mediaType: prepared.mediaType,
          size,
          sha256: sealed.sha256,
          key: sealed.key,
          width: prepared.width,
          height: prepared.height,
          content: { file: file.name, thumbnail: prepared.thumbnail },
        };
        drafts.set(draftId, { state: 'ready', fileName, record });
        return ok({
          draftId,
          fileName,
          mediaType: record.mediaType,
          size,
          thumbnail: prepared.thumbnail === null ? null : Buffer.from(prepared.thumbnail).toString('base64'),
        });
      } finally {
        bytes.fill(0);
      }
    },

    discard(draftId) {
      wipe(drafts.get(draftId));
      drafts.delete(draftId);
    },

    take(draftIds) {
      const records: AttachmentRecord[] = [];
      for (const id of draftIds) {
        const draft = drafts.get(id);
        if (draft?.state !== 'ready') return fail(appError('NOT_FOUND'));
        records.push(draft.record);
      }
      // Claimed synchronously, all or none: twenty sends naming one draft at once seal it once.
      for (const id of draftIds) {
        const draft = drafts.get(id);
        if (draft?.state === 'ready') drafts.set(id, { ...draft, state: 'sending' });
      }
      return ok(records);
    },

    consume(draftIds) {
      for (const id of draftIds) if (drafts.get(id)?.state === 'sending') drafts.delete(id);
    },

    release(draftIds) {
      for (const id of draftIds) {
        const draft = drafts.get(id);
        if (draft?.state === 'sending') drafts.set(id, { ...draft, state: 'ready' });
      }
    },

    clear() {
      for (const draft of drafts.values()) wipe(draft);
      drafts.clear();
    },
  };
}
