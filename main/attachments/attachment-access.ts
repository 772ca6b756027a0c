/**
 * Opening and saving a received (or sent) attachment: the two ways its bytes leave the vault.
 * Each is recorded before the bytes go, and refused if it cannot be: `attachment.opened` for
 * Wardline's own viewer, `attachment.saved` for a copy on disk, which machine policy allows
 * only when `attachmentSaving` is `save`. Records name the message and its patient, never the
 * file's name or content. The bytes are read from the attachment's file and decrypted with the key
 * the vault holds (attachment-files.ts); a file that is missing or does not open is let go and
 * fetched again from the server (it is told to the caller as not there yet).
 */
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { appError } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import type { AttachmentSaving } from '../../shared/policy/policy-schema';
import type { SealedMediaType } from '../../shared/protocol/attachment';
import { actionEvent } from '../../shared/audit/audit-event-builder';
import { patientsOf, type ActionRecords } from '../messaging/action-records';
import type { StoreClient } from '../store/store-client';
import { decryptAttachment } from '../../shared/node/crypto/attachment-cipher';
import type { AttachmentFiles } from './attachment-files';
import { saveFileName } from './save-file-name';

export interface AttachmentAccessDeps {
  readonly store: StoreClient;
  readonly records: ActionRecords;
  readonly now: () => number;
  readonly saving: () => AttachmentSaving;
  /** This OS user's folder for saved attachments. */
  readonly downloadsDir: string;
  readonly files: Pick<AttachmentFiles, 'read'>;
  /** A file was let go to be fetched again: the fetcher should look. */
  readonly onRefetch: (messageId: string) => void;
}

export interface AttachmentAccess {
  open(
    messageId: string,
    attachmentId: string,
  ): Promise<IpcResult<{ mediaType: SealedMediaType; fileName: string; data: string }>>;
  save(messageId: string, attachmentId: string): Promise<IpcResult<{ fileName: string }>>;
}

export function createAttachmentAccess(deps: AttachmentAccessDeps): AttachmentAccess {
  const { store, records } = deps;

  async function recorded(action: 'attachment.opened' | 'attachment.saved', messageId: string, attachmentId: string) {
    const stored = await store.call('attachment.stored', { messageId, attachmentId, now: deps.now() });
    if (stored === null) return fail(appError('NOT_FOUND'));
    const ciphertext = await deps.files.read(stored.file);
    const bytes = ciphertext === null ? 'damaged' : await decryptAttachment(ciphertext, stored);
    if (bytes === 'damaged') {
      if (await store.call('attachment.refetch', { id: attachmentId, file: stored.file })) deps.onRefetch(messageId);
      return fail(appError('NOT_FOUND'));
    }
    const content = { ...stored, bytes };
    const patient = (await patientsOf(store, [content.conversationId])).get(content.conversationId) ?? null;
    const refused = await records.refusal(
      actionEvent({
        action,
        object: { kind: 'message', id: messageId, conversationId: content.conversationId },
        patient,
      }),
    );
    if (refused !== null) {
      content.bytes.fill(0);
      return fail(appError(refused));
    }
    return ok(content);
  }

  return {
    async open(messageId, attachmentId) {
      const content = await recorded('attachment.opened', messageId, attachmentId);
      if (!content.ok) return content;
      const data = Buffer.from(content.value.bytes).toString('base64');
      content.value.bytes.fill(0);
      return ok({ mediaType: content.value.mediaType, fileName: content.value.fileName, data });
    },

    async save(messageId, attachmentId) {
      // Policy first: a view-only workstation never even reads the bytes for saving.
      if (deps.saving() !== 'save') return fail(appError('ATTACHMENT_SAVE_NOT_ALLOWED'));
      const content = await recorded('attachment.saved', messageId, attachmentId);
      if (!content.ok) return content;
      const { bytes, fileName } = content.value;
      try {
        await mkdir(deps.downloadsDir, { recursive: true, mode: 0o700 });
        for (let copy = 1; copy < 100; copy += 1) {
          const name = saveFileName(fileName, content.value.mediaType, copy);
          try {
            // Never over an existing file: a second save of "scan.pdf" becomes "scan (2).pdf".
            const handle = await open(
              path.join(deps.downloadsDir, name),
              constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
              0o600,
            );
            try {
              await handle.writeFile(bytes);
            } finally {
              await handle.close();
            }
            return ok({ fileName: name });
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          }
        }
        return fail(appError('CONFLICT'));
      } catch (error) {
        return fail(appError((error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'DISK_FULL' : 'INTERNAL'));
      } finally {
        bytes.fill(0);
      }
    },
  };
}
