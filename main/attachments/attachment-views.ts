/**
 * Attachments as a thread shows them: no bytes, only what a card needs (name, type, size,
 * state and main's thumbnail). The thumbnail is the only image data that reaches the renderer
 * without an `attachment.open`, which is recorded: it is a small preview of what the thread
 * shows anyway, as a photo message is in every messenger.
 */
import type { AttachmentView } from '../../shared/ipc/attachment-channels';
import type { StoreClient } from '../store/store-client';

export async function attachmentViewsOf(
  store: StoreClient,
  messageIds: readonly string[],
): Promise<Map<string, AttachmentView[]>> {
  const views = new Map<string, AttachmentView[]>();
  if (messageIds.length === 0) return views;
  for (const a of await store.call('attachment.forMessages', { messageIds })) {
    const list = views.get(a.messageId) ?? [];
    list.push({
      id: a.id,
      fileName: a.fileName,
      mediaType: a.mediaType,
      size: a.size,
      state: a.state,
      problem: a.state === 'ready' || a.state === 'removed' ? null : a.problem,
      // While its file is fetched too: the sender's preview, as this workstation re-encoded it.
      thumbnail: a.state !== 'removed' && a.thumbnail !== null ? Buffer.from(a.thumbnail).toString('base64') : null,
    });
    views.set(a.messageId, list);
  }
  return views;
}
