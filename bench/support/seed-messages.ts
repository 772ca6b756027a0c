/**
 * What the workstation benches start from: a writer who seals many real messages (group
 * conversations of readers, through the server's `send`, as a client does), and TOTP codes that
 * never reuse a step (the server refuses a code twice).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateIdentityKeys, publicKeysOf, wrapIdentityKeys } from '../../main/crypto/identity-keys';
import { sealEnvelope } from '../../main/crypto/envelope-seal';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import { totpCodeAt } from '../../server/accounts/totp';
import { openRawSession } from '../../test/support/raw-session';
import type { TestAccount } from '../../test/support/test-account';

const STEP_MS = 30_000;

export interface FreshTotp {
  /** A code for a TOTP step the account has not used yet, waiting for the next step if need be. */
  code(user: TestAccount): Promise<string>;
  /** The same, as steps from now (for openRawSession's `codeOffset`). */
  offset(user: TestAccount): Promise<number>;
}

export function freshTotp(): FreshTotp {
  const lastStep = new Map<string, number>();
  const nextStep = async (user: TestAccount): Promise<number> => {
    for (;;) {
      const now = Math.floor(Date.now() / STEP_MS);
      const step = Math.max(now, (lastStep.get(user.userId) ?? -1) + 1);
      if (step <= now + 1) {
        lastStep.set(user.userId, step);
        return step;
      }
      await sleep(1000);
    }
  };
  return {
    code: async (user) => totpCodeAt(user.totpSecret, (await nextStep(user)) * STEP_MS + 1),
    offset: async (user) => (await nextStep(user)) - Math.floor(Date.now() / STEP_MS),
  };
}

export interface SeededMessages {
  /** The conversations in the order their messages were sent; the last one's came last. */
  readonly conversationIds: readonly string[];
}

/**
 * `writer` (signed in here with a raw session, its keys published) seals `conversations` group
 * conversations of `perConversation` messages each to `readers` and sends them, a few at a time.
 */
export async function sealAndSend(
  endpoint: ServerEndpoint,
  writer: TestAccount,
  readers: readonly TestAccount[],
  size: { readonly conversations: number; readonly perConversation: number },
): Promise<SeededMessages> {
  const raw = await openRawSession(endpoint, writer, 0);
  try {
    const keys = await generateIdentityKeys();
    const published = await raw.api.call(
      'publishIdentity',
      { publicKeys: publicKeysOf(keys), wrappedPrivateKeys: await wrapIdentityKeys(keys, raw.wrapKey) },
      raw.session.token,
    );
    if (!published.ok) throw new Error(published.error.code);
    const looked = await raw.api.call('lookupKeys', { userIds: readers.map((r) => r.userId) }, raw.session.token);
    if (!looked.ok) throw new Error(looked.error.code);
    const recipientKeys = looked.value.users.map((entry) => ({
      recipient: entry.user.userId,
      encryptionKey: entry.publicKeys?.encryption ?? '',
    }));
    const own = { recipient: writer.userId, encryptionKey: Buffer.from(keys.encryption.publicKey).toString('base64') };
    const recipients = readers.map((r) => r.userId);
    const { conversations, perConversation } = size;
    const startedAt = Date.now() - conversations * perConversation * 1000;
    const jobs: (() => Promise<void>)[] = [];
    const conversationIds: string[] = [];
    for (let c = 0; c < conversations; c += 1) {
      const conversationId = randomUUID();
      conversationIds.push(conversationId);
      for (let m = 0; m < perConversation; m += 1) {
        const sentAt = startedAt + (c * perConversation + m) * 1000;
        jobs.push(async () => {
          const envelope = await sealEnvelope({
            header: {
              v: 1,
              id: randomUUID(),
              conversationId,
              sender: { userId: writer.userId, deviceId: raw.deviceId },
              recipients,
              sentAt,
              expiresAt: null,
              priority: 'routine',
            },
            body: {
              kind: 'text',
              text: `Round note ${String(m + 1)}: obs stable, plan unchanged, review at handover (bench message ${String(c)}-${String(m)}).`,
              conversation: {
                kind: 'group',
                title: `Ward round ${String(c + 1)}`,
                participants: [writer.userId, ...recipients],
                roleAddress: null,
                startedAt,
              },
            },
            recipientKeys: [...recipientKeys, own],
            signingKey: keys.signing.privateKey,
          });
          const sent = await raw.api.call('send', { envelope }, raw.session.token);
          if (!sent.ok) throw new Error(sent.error.code);
        });
      }
    }
    // Sends in order per conversation matter little here; a few at a time keep the server busy.
    for (let i = 0; i < jobs.length; i += 8) await Promise.all(jobs.slice(i, i + 8).map((job) => job()));
    return { conversationIds };
  } finally {
    raw.close();
  }
}
