/**
 * Content to fill a vault with in tests, in the shapes the app itself stores: one conversation
 * about a patient, and incoming messages through `message.receive` (the production write path;
 * the vault has no other way in for a message someone else sent).
 */
import type { ConversationRecord } from '../../main/store/ops/conversation-ops';
import type { IncomingMessage } from '../../main/store/ops/message-ops';
import type { AttachmentRecord } from '../../main/store/ops/attachment-ops';

export const conversation: ConversationRecord = {
  id: 'conv-1',
  kind: 'direct',
  title: null,
  roleAddressId: null,
  roleAddressName: null,
  createdAt: 1_700_000_000_000,
  patient: { ref: 'MRN-00424242', label: 'Bartholomew Quigley, bed 4' },
  participants: [
    {
      userId: 'nurse.adams',
      displayName: 'Philippa Adams',
      role: 'nurse',
      department: 'Cardiology',
      title: 'Staff Nurse',
    },
    {
      userId: 'dr.okafor',
      displayName: 'Chidinma Okafor',
      role: 'physician',
      department: 'Cardiology',
      title: 'Consultant',
    },
  ],
};

export function message(i: number, overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    id: `msg-${String(i).padStart(6, '0')}`,
    conversationId: conversation.id,
    senderId: 'dr.okafor',
    sentAt: 1_700_000_000_000 + i,
    receivedAt: 1_700_000_000_500 + i,
    priority: 'routine',
    expiresAt: null,
    recipientCount: 1,
    envelope: new Uint8Array([1, 2, 3, i % 256]),
    body: `Patient Bartholomew Quigley bed ${String(i)} potassium 5.9 recheck`,
    direction: 'in',
    ...overrides,
  };
}

/** The arguments of `message.receive` for message `i` of the conversation. */
export function received(i: number, overrides: Partial<IncomingMessage> = {}) {
  return { conversation, message: message(i, overrides) };
}

/** A photo's description as a sealed body gives it; `content` for the sender's own copy. */
export const attachmentRecord = (id: string, content?: AttachmentRecord['content']): AttachmentRecord => ({
  id,
  fileName: 'wound.jpg',
  mediaType: 'image/jpeg',
  size: 4,
  sha256: new Uint8Array(32).fill(1),
  key: new Uint8Array(32).fill(2),
  width: 10,
  height: 20,
  ...(content === undefined ? {} : { content }),
});
