/**
 * Attaching a file as the renderer does: `attachment.begin`, the bytes in order in bounded
 * base64 chunks, `attachment.finish`. The draft (or the first refusal) comes back.
 */
import type { AttachmentDraft } from '../../shared/ipc/attachment-channels';
import { ATTACHMENT_IPC_CHUNK_BYTES } from '../../shared/ipc/attachment-channels';
import type { IpcResult } from '../../shared/ipc/result';
import type { Workstation } from './workstation';

export async function attachFile(
  station: Workstation,
  file: { readonly name: string; readonly type: string; readonly bytes: Uint8Array },
): Promise<IpcResult<AttachmentDraft>> {
  const begun = await station.call('attachment.begin', {
    fileName: file.name,
    mediaType: file.type,
    size: file.bytes.length,
  });
  if (!begun.ok) return begun;
  const { draftId } = begun.value;
  for (let offset = 0; offset < file.bytes.length; offset += ATTACHMENT_IPC_CHUNK_BYTES) {
    const data = Buffer.from(file.bytes.subarray(offset, offset + ATTACHMENT_IPC_CHUNK_BYTES)).toString('base64');
    const sent = await station.call('attachment.chunk', { draftId, offset, data });
    if (!sent.ok) return sent;
  }
  return station.call('attachment.finish', { draftId });
}
