/**
 * A colleague who messages through the API rather than a screen: reads what someone sent them,
 * verified against the sender's published signing key and opened with their own keys, and writes
 * under a subject, sealed and signed as a workstation would. Nothing is mocked: the envelopes are
 * the real ones the relay carries.
 */
import { randomUUID } from 'node:crypto';
import { openEnvelope } from '../../shared/node/crypto/envelope-open';
import { sealEnvelope } from '../../main/crypto/envelope-seal';
import { token, type TestServer, type TestUser } from './server-fixtures';

/** The text of each message `sender` sent `reader`, oldest first; throws if one does not open. */
export async function textsFrom(target: TestServer, reader: TestUser, sender: string): Promise<string[]> {
  if (reader.identity === null) throw new Error(`${reader.userId} has no identity keys`);
  const { events } = await target.api.ok('feed', { after: 0, limit: 500 }, token(reader));
  const found = await target.api.ok('lookupKeys', { userIds: [sender] }, token(reader));
  const signing = found.users[0]?.publicKeys?.signing;
  if (signing === undefined) return [];
  const texts: string[] = [];
  for (const event of events) {
    if (event.type !== 'envelope' || event.envelope.header.sender.userId !== sender) continue;
    const opened = await openEnvelope(
      event.envelope,
      { recipient: reader.userId, encryption: reader.identity.encryption },
      signing,
    );
    if (!opened.ok) throw new Error(`a message did not open: ${opened.error}`);
    texts.push(opened.value.text);
  }
  return texts;
}

/** A new direct conversation from `from` to `to` under `subject`. */
export async function writeTo(
  target: TestServer,
  from: TestUser,
  to: string,
  subject: string,
  text: string,
): Promise<void> {
  if (from.identity === null) throw new Error(`${from.userId} has no identity keys`);
  const participants = [to, from.userId];
  const found = await target.api.ok('lookupKeys', { userIds: participants }, token(from));
  const recipientKeys = participants.map((userId) => {
    const encryptionKey = found.users.find((entry) => entry.user.userId === userId)?.publicKeys?.encryption;
    if (encryptionKey === undefined) throw new Error(`${userId} has no published keys`);
    return { recipient: userId, encryptionKey };
  });
  const envelope = await sealEnvelope({
    header: {
      v: 1,
      id: randomUUID(),
      conversationId: randomUUID(),
      sender: { userId: from.userId, deviceId: from.device.deviceId },
      recipients: [to],
      sentAt: target.clock.now(),
      expiresAt: null,
      priority: 'routine',
    },
    body: { kind: 'text', text, conversation: { kind: 'direct', title: subject, participants, roleAddress: null } },
    recipientKeys,
    signingKey: from.identity.signing.privateKey,
  });
  await target.api.ok('send', { envelope }, token(from));
}
