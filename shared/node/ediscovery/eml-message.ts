/**
 * One opened message as an RFC 5322 `.eml` file, the form reviewers' eDiscovery tools import:
 * From and To with display names and user ids (as `<user id@wardline.invalid>`, a reserved
 * domain, so no reader mistakes them for mail addresses), Date from the sender's `sentAt`,
 * Message-ID from the message id, Subject from the conversation's title or a neutral one, and
 * Wardline's own headers: conversation, patient reference, state (recalled or expired, and
 * when), signature, priority. The text is a base64 UTF-8 part; attachments follow as base64
 * parts (multipart/mixed), written as they are decrypted (`attachmentPartHead` and
 * mime-encoding.ts's `base64Lines`).
 *
 * Pure: text in, text out. The boundary is made from the message id and holds `-`, which base64
 * never does, so no part can contain it.
 */
import type { MessageState } from '../../protocol/ediscovery-package';
import {
  addrSpec,
  base64Lines,
  CRLF,
  fileNameParameter,
  headerField,
  mailbox,
  plainField,
  rfc5322Date,
  unstructured,
} from './mime-encoding';

/** The reserved domain user ids are written under (RFC 2606). */
export const ID_DOMAIN = 'wardline.invalid';
/** The subject of a conversation without a title. */
export const NEUTRAL_SUBJECT = 'Wardline message';

export interface EmlPerson {
  readonly userId: string;
  /** From the package's directory; null when the directory did not name them. */
  readonly displayName: string | null;
}

/** Whether the message's content could be read, and if not why (its envelope is still signed). */
export type EmlContent = 'opened' | 'not-archived' | 'does-not-open';

export interface EmlMessage {
  readonly messageId: string;
  readonly conversationId: string;
  readonly sentAt: number;
  readonly acceptedAt: number;
  readonly priority: string;
  readonly sender: EmlPerson;
  readonly recipients: readonly EmlPerson[];
  /** The conversation's title; null: none (or the content did not open). */
  readonly title: string | null;
  readonly patientReference: string | null;
  readonly patientLabel: string | null;
  readonly state: MessageState;
  /** When it was recalled (sender's signed time) or expired; null when standing. */
  readonly stateAt: number | null;
  readonly content: EmlContent;
  /** The message text; empty when the content did not open or the message is attachments only. */
  readonly text: string;
  readonly attachments: readonly EmlAttachment[];
}

export interface EmlAttachment {
  readonly fileName: string;
  readonly mediaType: string;
}

const person = (who: EmlPerson) => mailbox(who.displayName, addrSpec(who.userId, ID_DOMAIN));

function stateValue(message: EmlMessage): string {
  if (message.state === 'standing' || message.stateAt === null) return message.state;
  return `${message.state}; at=${new Date(message.stateAt).toISOString()}`;
}

export function boundaryOf(messageId: string): string {
  return `wardline-part-${messageId}`;
}

const CONTENT_NOTES: Record<Exclude<EmlContent, 'opened'>, string> = {
  'not-archived':
    'This message was not sealed to the archive key, so its content cannot be opened. Its envelope is signed by its sender.',
  'does-not-open':
    'This message names the archive key, but what it sealed to it does not open: the sender sealed something else. Its envelope is signed by its sender.',
};

/** The header block, the blank line, and the text part (and, with attachments, the multipart start). */
export function emlHead(message: EmlMessage): string {
  const multipart = message.attachments.length > 0;
  const boundary = boundaryOf(message.messageId);
  const headers = [
    headerField('From', [person(message.sender)]),
    headerField('To', message.recipients.map(person), ', '),
    plainField('Date', rfc5322Date(message.sentAt)),
    plainField('Message-ID', `<${message.messageId}@${ID_DOMAIN}>`),
    headerField('Subject', [unstructured(message.title ?? NEUTRAL_SUBJECT)]),
    plainField('MIME-Version', '1.0'),
    plainField('X-Wardline-Conversation', message.conversationId),
    ...(message.patientReference === null
      ? []
      : [plainField('X-Wardline-Patient-Reference', message.patientReference)]),
    ...(message.patientLabel === null
      ? []
      : [headerField('X-Wardline-Patient-Label', [unstructured(message.patientLabel)])]),
    plainField('X-Wardline-State', stateValue(message)),
    plainField('X-Wardline-Signature', 'verified'),
    plainField('X-Wardline-Content', message.content),
    plainField('X-Wardline-Priority', message.priority),
    plainField('X-Wardline-Accepted-At', new Date(message.acceptedAt).toISOString()),
  ];
  const text = message.content === 'opened' ? message.text : CONTENT_NOTES[message.content];
  const textPart = [
    plainField('Content-Type', 'text/plain; charset=utf-8'),
    plainField('Content-Transfer-Encoding', 'base64'),
    '',
    wholeBase64(new TextEncoder().encode(text)),
  ].join(CRLF);
  if (!multipart) return `${headers.join(CRLF)}${CRLF}${textPart}`;
  return [
    ...headers,
    plainField('Content-Type', `multipart/mixed; boundary="${boundary}"`),
    '',
    'This is a message in MIME format.',
    `--${boundary}`,
    textPart,
  ].join(CRLF);
}

/** The head of one attachment's part; its base64 lines follow, then the next part or the end. */
export function attachmentPartHead(messageId: string, attachment: EmlAttachment): string {
  const parameters = (kind: 'name' | 'filename') =>
    fileNameParameter(kind, attachment.fileName)
      .map((segment) => ` ${segment}`)
      .join(`;${CRLF}`);
  return [
    `--${boundaryOf(messageId)}`,
    `Content-Type: ${attachment.mediaType};`,
    parameters('name'),
    'Content-Disposition: attachment;',
    parameters('filename'),
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join(CRLF);
}

/** What closes the message: the final boundary when it has attachments. */
export function emlEnd(message: EmlMessage): string {
  return message.attachments.length > 0 ? `--${boundaryOf(message.messageId)}--${CRLF}` : '';
}

function wholeBase64(bytes: Uint8Array): string {
  const lines = base64Lines();
  return lines.push(bytes) + lines.end();
}
