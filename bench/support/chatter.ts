/**
 * Background traffic: some of the connected clinicians message each other at a low rate while a
 * bench measures, so the server is not idle but for the measured pair. Envelopes are sealed with
 * the client's real `sealEnvelope` before the traffic starts and posted through the client's API
 * client; recipients receive them on their streams (counted, not opened: those stand for
 * workstations elsewhere).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { sealEnvelope } from '../../main/crypto/envelope-seal';
import type { Envelope } from '../../shared/protocol/envelope';
import type { RawClient } from './clients';

export interface Chatter {
  /** Envelopes accepted by the server so far. */
  sent(): number;
  failed(): number;
  stop(): Promise<void>;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Seals one direct message from `from` to `to` (both with identity keys). */
export async function sealDirect(
  from: RawClient,
  to: RawClient,
  conversationId: string,
  text: string,
): Promise<Envelope> {
  if (from.identity === null || to.identity === null) throw new Error('chatter clients need identity keys');
  return sealEnvelope({
    header: {
      v: 1,
      id: randomUUID(),
      conversationId,
      sender: { userId: from.userId, deviceId: from.deviceId },
      recipients: [to.userId],
      sentAt: Date.now(),
      expiresAt: null,
      priority: 'routine',
    },
    body: {
      kind: 'text',
      text,
      conversation: { kind: 'direct', title: null, participants: [from.userId, to.userId], roleAddress: null },
    },
    recipientKeys: [
      { recipient: to.userId, encryptionKey: b64(to.identity.encryption.publicKey) },
      { recipient: from.userId, encryptionKey: b64(from.identity.encryption.publicKey) },
    ],
    signingKey: from.identity.signing.privateKey,
  });
}

/**
 * Posts about `ratePerSecond` envelopes a second (exponential gaps, as independent people
 * typing) between random pairs of `clients` of different accounts, for up to `seconds`.
 */
export async function startChatter(
  clients: readonly RawClient[],
  ratePerSecond: number,
  seconds: number,
  text: string,
): Promise<Chatter> {
  let sent = 0;
  let failed = 0;
  if (ratePerSecond <= 0 || clients.length < 2)
    return { sent: () => 0, failed: () => 0, stop: () => Promise.resolve() };
  const conversations = new Map<string, string>();
  const queue: { from: RawClient; envelope: Envelope }[] = [];
  const count = Math.ceil(ratePerSecond * seconds) + 10;
  while (queue.length < count) {
    const from = clients[randomInt(clients.length)];
    const to = clients[randomInt(clients.length)];
    if (from === undefined || to === undefined || from.userId === to.userId) continue;
    const key = `${from.userId} ${to.userId}`;
    let conversationId = conversations.get(key);
    if (conversationId === undefined) {
      conversationId = randomUUID();
      conversations.set(key, conversationId);
    }
    queue.push({ from, envelope: await sealDirect(from, to, conversationId, text) });
  }

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  const next = () => {
    if (stopped) return;
    const gapMs = (-Math.log(randomInt(1, 1_000_000) / 1_000_000) / ratePerSecond) * 1000;
    timer = setTimeout(() => {
      const item = queue.shift();
      if (item === undefined) return;
      inFlight = item.from.api.call('send', { envelope: item.envelope }, item.from.server.token()).then((result) => {
        if (result.ok) sent += 1;
        else failed += 1;
      });
      next();
    }, gapMs);
  };
  next();
  return {
    sent: () => sent,
    failed: () => failed,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
