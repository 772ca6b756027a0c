/**
 * A hostile but authenticated sender's envelope: sealed to the recipient's published key and to
 * the sender's own, and signed with the sender's real keys, so the relay accepts it; only the
 * conversation details inside are of the sender's choosing. Tests use it to show that a
 * workstation trusts nothing in a body it can check against the signed header or its own records.
 */
import { randomUUID } from 'node:crypto';
import { sealEnvelope } from '../../main/crypto/envelope-seal';
import { toBase64 } from '../../shared/node/crypto/base64';
import type { Envelope, MessageBody, Priority } from '../../shared/protocol/envelope';
import type { RawSession } from './raw-session';

export interface HostileMessage {
  /** The one recipient the signed header names. */
  readonly to: string;
  readonly conversationId: string;
  readonly text: string;
  readonly priority: Priority;
  /** What the sealed body claims about the conversation, participants included. */
  readonly conversation: MessageBody['conversation'];
  /** The role address the signed header names, if any (the server checks it may). */
  readonly roleAddress?: string;
}

/** Seals `message` as the raw session's user, to `message.to`'s key as the directory publishes it. */
export async function sealHostileEnvelope(raw: RawSession, message: HostileMessage): Promise<Envelope> {
  if (raw.identity === null) throw new Error('no identity');
  const lookup = await raw.api.call('lookupKeys', { userIds: [message.to] }, raw.session.token);
  const recipientKey = lookup.ok ? lookup.value.users[0]?.publicKeys?.encryption : undefined;
  if (recipientKey === undefined) throw new Error('no key');
  const sender = raw.session.account.userId;
  return sealEnvelope({
    header: {
      v: 1,
      id: randomUUID(),
      conversationId: message.conversationId,
      sender: { userId: sender, deviceId: raw.deviceId },
      recipients: [message.to],
      sentAt: Date.now(),
      expiresAt: null,
      priority: message.priority,
      ...(message.roleAddress === undefined ? {} : { roleAddress: message.roleAddress }),
    },
    body: { kind: 'text', text: message.text, conversation: message.conversation },
    recipientKeys: [
      { recipient: message.to, encryptionKey: recipientKey },
      { recipient: sender, encryptionKey: toBase64(raw.identity.encryption.publicKey) },
    ],
    signingKey: raw.identity.signing.privateKey,
  });
}
