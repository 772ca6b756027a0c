/**
 * A server that archives, against a modified client (issue 20, item 1): a signed-in clinician
 * with their own real keys crafts envelopes as they like. Leaving the archive out, stripping its
 * entry from a sealed envelope, swapping in a key of their own under the archive's id, naming
 * another archive, or adding a second beside the right one: each is refused with a typed code
 * and reaches nobody. Twenty honest sends at once, among twenty hostile ones, are all accepted,
 * and every one the server holds opens with the archive's private key.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvelope } from '../../shared/node/crypto/envelope-open';
import { sealEnvelope } from '../../main/crypto/envelope-seal';
import { archiveKeyPairOf, type ArchiveKeyPair } from '../../shared/node/archive/archive-key-pair';
import { toBase64 } from '../../shared/node/crypto/base64';
import { loadSodium } from '../../shared/node/crypto/sodium';
import { archiveRequirementOf, groupedFingerprint } from '../../shared/protocol/archive-key';
import { envelopeSignedBytes, type Envelope } from '../../shared/protocol/envelope';
import {
  HOOK_TIMEOUT_MS,
  readyUsers,
  sealMessage,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../support/server-fixtures';

let target: TestServer;
let archive: ArchiveKeyPair;
/** A key pair of the attacker's own, which they would like the archive entry sealed to. */
let theirs: ArchiveKeyPair;
let adams: TestUser;
let patel: TestUser;

beforeAll(async () => {
  const sodium = await loadSodium();
  archive = await archiveKeyPairOf(sodium.randombytes_buf(32));
  theirs = await archiveKeyPairOf(sodium.randombytes_buf(32));
  // As IT pastes it from keygen's output: grouped.
  target = await startTestServer('pglite', { archiveKeyFingerprint: groupedFingerprint(archive.fingerprint) });
  [adams, patel] = (await readyUsers(target, [
    { userId: 'nurse.adams', displayName: 'Grace Adams' },
    { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' },
  ])) as [TestUser, TestUser];
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  await target.dispose();
}, HOOK_TIMEOUT_MS);

const entryFor = (pair: ArchiveKeyPair, recipient = pair.recipient) => ({
  recipient,
  encryptionKey: toBase64(pair.encryption.publicKey),
});
const sealed = (extraKeys: { recipient: string; encryptionKey: string }[], text = 'Potassium 6.1, repeat') =>
  sealMessage(target, { from: adams, to: [patel], text, extraKeys });
const refusedSend = (envelope: Envelope) => target.api.refused('send', { envelope }, token(adams));

/** The envelope ids the recipient's feed holds. */
async function delivered(): Promise<string[]> {
  const feed = await target.api.ok('feed', { after: 0, limit: 500 }, token(patel));
  return feed.events.flatMap((event) => (event.type === 'envelope' ? [event.envelope.header.id] : []));
}

/** Signed again by the sender, as a modified client holding their own keys would. */
async function resealedWith(envelope: Envelope, keys: Envelope['keys']): Promise<Envelope> {
  if (adams.identity === null) throw new Error('no identity');
  const sodium = await loadSodium();
  const unsigned = { ...envelope, keys };
  const signature = sodium.crypto_sign_detached(envelopeSignedBytes(unsigned), adams.identity.signing.privateKey);
  return { ...unsigned, signature: toBase64(signature) };
}

describe('a server that requires the archive key', () => {
  it('tells every session at sign-in which key, by fingerprint only', () => {
    expect(adams.session?.archive).toEqual(archiveRequirementOf(archive.fingerprint));
    expect(JSON.stringify(adams.session)).not.toContain(toBase64(archive.encryption.publicKey));
  });

  it('refuses an envelope sealed without the archive, and one whose archive entry was stripped', async () => {
    const without = await sealed([]);
    expect(await refusedSend(without)).toEqual({ status: 403, body: { error: 'ARCHIVE_KEY_REQUIRED' } });

    const honest = await sealed([entryFor(archive)]);
    const stripped = honest.keys.filter((entry) => entry.recipient !== archive.recipient);
    expect(await refusedSend({ ...honest, keys: stripped })).toEqual({
      status: 403,
      body: { error: 'ARCHIVE_KEY_REQUIRED' },
    });
    expect(await refusedSend(await resealedWith(honest, stripped))).toEqual({
      status: 403,
      body: { error: 'ARCHIVE_KEY_REQUIRED' },
    });
    expect(await delivered()).not.toContain(without.header.id);
    expect(await delivered()).not.toContain(honest.header.id);
  });

  it('refuses a key of their own under the archive id, another archive, and a second archive beside it', async () => {
    const honest = await sealed([entryFor(archive)]);
    const entry = honest.keys.find((key) => key.recipient === archive.recipient);
    if (entry === undefined) throw new Error('no archive entry');
    const swapped = await sealed([entryFor(theirs, archive.recipient)]);
    const another = await sealed([entryFor(theirs)]);
    const both = await sealed([entryFor(archive), entryFor(theirs)]);
    // The honest entry's bytes kept, its public key swapped for theirs (signed again).
    const relabelled = await resealedWith(
      honest,
      honest.keys.map((key) => (key === entry ? { ...key, publicKey: toBase64(theirs.encryption.publicKey) } : key)),
    );
    for (const envelope of [swapped, another, both, relabelled]) {
      expect(await refusedSend(envelope)).toEqual({ status: 403, body: { error: 'ARCHIVE_KEY_MISMATCH' } });
      expect(await delivered()).not.toContain(envelope.header.id);
    }
  });

  it('accepts twenty honest sends at once among twenty hostile ones, and the archive key opens each it holds', async () => {
    const honest = await Promise.all(
      Array.from({ length: 20 }, (_, index) => sealed([entryFor(archive)], `Obs round ${String(index)}`)),
    );
    const hostile = await Promise.all(Array.from({ length: 20 }, () => sealed([])));
    const answers = await Promise.all([
      ...honest.map((envelope) => target.api.ok('send', { envelope }, token(adams))),
      ...hostile.map(refusedSend),
    ]);
    expect(answers.slice(0, 20)).toEqual(
      honest.map((envelope) => expect.objectContaining({ messageId: envelope.header.id, duplicate: false }) as unknown),
    );
    expect(answers.slice(20)).toEqual(hostile.map(() => ({ status: 403, body: { error: 'ARCHIVE_KEY_REQUIRED' } })));

    const feed = await target.api.ok('feed', { after: 0, limit: 500 }, token(patel));
    const held = feed.events.flatMap((event) => (event.type === 'envelope' ? [event.envelope] : []));
    expect(held.map((envelope) => envelope.header.id).sort()).toEqual(
      honest.map((envelope) => envelope.header.id).sort(),
    );
    const signing = adams.identity === null ? '' : toBase64(adams.identity.signing.publicKey);
    const texts = await Promise.all(
      held.map(async (envelope) => {
        expect(envelope.keys.filter((key) => key.recipient.startsWith('archive:'))).toEqual([
          expect.objectContaining({ recipient: archive.recipient, publicKey: toBase64(archive.encryption.publicKey) }),
        ]);
        const opened = await openEnvelope(envelope, archive, signing);
        if (!opened.ok) throw new Error(opened.error);
        return opened.value.text;
      }),
    );
    expect(texts.sort()).toEqual(Array.from({ length: 20 }, (_, index) => `Obs round ${String(index)}`).sort());
  });
});

// The sealing the relay cannot check: bytes under the right key that open to nothing. The
// sender's signature covers them, so whoever opens the archive can name who sent them.
describe('what the server cannot check', () => {
  it('takes an archive entry of the right key whose sealed bytes open to nothing; the archive key says so, signed by the sender', async () => {
    if (adams.identity === null) throw new Error('no identity');
    const lookup = await target.api.ok('lookupKeys', { userIds: [patel.userId] }, token(adams));
    const patelKey = lookup.users[0]?.publicKeys?.encryption ?? '';
    const decoy = await archiveKeyPairOf(new Uint8Array(32).fill(3));
    // Sealed to a key of the sender's, then labelled as the archive: the relay sees the right key.
    const forged = await sealEnvelope({
      header: {
        v: 1,
        id: randomUUID(),
        conversationId: randomUUID(),
        sender: { userId: adams.userId, deviceId: adams.device.deviceId },
        recipients: [patel.userId],
        sentAt: target.clock.now(),
        expiresAt: null,
        priority: 'routine',
      },
      body: {
        kind: 'text',
        text: 'kept from the archive',
        conversation: { kind: 'direct', title: null, participants: [patel.userId, adams.userId], roleAddress: null },
      },
      recipientKeys: [
        { recipient: patel.userId, encryptionKey: patelKey },
        { recipient: adams.userId, encryptionKey: toBase64(adams.identity.encryption.publicKey) },
        entryFor(decoy, archive.recipient),
      ],
      signingKey: adams.identity.signing.privateKey,
    });
    const labelled = await resealedWith(
      forged,
      forged.keys.map((key) =>
        key.recipient === archive.recipient ? { ...key, publicKey: toBase64(archive.encryption.publicKey) } : key,
      ),
    );
    await target.api.ok('send', { envelope: labelled }, token(adams));
    const signing = toBase64(adams.identity.signing.publicKey);
    expect(await openEnvelope(labelled, archive, signing)).toEqual({ ok: false, error: 'DECRYPT_FAILED' });
  });
});
