/**
 * Issue 20, item 1, through the real cores and server (PGlite): the compliance team makes the
 * archive key with archive:keygen, split 3 of 5; the server requires it and workstations get it
 * by policy. A nurse sends a message with a PDF and the physician replies, then twenty more at
 * once, all sealed to the archive as well; a workstation whose policy has no archive key, or another, refuses to send
 * before sealing with a typed error and keeps nothing. Then, from what the server holds, the key
 * rebuilt from three shares opens every envelope (signatures checked) and the attachment.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArchiveKeygen, sharePath } from '../../../launch/archive-keygen';
import { decryptAttachment } from '../../../shared/node/crypto/attachment-cipher';
import { openEnvelope } from '../../../shared/node/crypto/envelope-open';
import { readArchiveKeyFiles, writeNewPrivateFiles } from '../../../shared/node/archive/archive-key-files';
import { archiveKeyPairOf, type ArchiveKeyPair } from '../../../shared/node/archive/archive-key-pair';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { toBase64 } from '../../../shared/node/crypto/base64';
import { groupedFingerprint } from '../../../shared/protocol/archive-key';
import type { RequestOf } from '../../../shared/ipc/contract';
import { attachFile } from '../../support/attach-file';
import { pdfWithText } from '../../support/attachment-fixtures';
import { heldByServer } from '../../support/held-envelopes';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.osei', 'nurse', 'Ama Osei', 'Ward 7', 'Staff Nurse');
const doctor = account('dr.lindqvist', 'physician', 'Erik Lindqvist', 'Surgery', 'Registrar');
const unkeyed = account('nurse.byrne', 'nurse', 'Niamh Byrne', 'Ward 3', 'Staff Nurse');
const stray = account('nurse.chen', 'nurse', 'Wei Chen', 'Ward 4', 'Staff Nurse');

const FIRST = 'Wound photo protocol attached, please review before the round';
const REPLY = 'Reviewed, agree with the dressing plan';

let server: TestServer;
let shares: string[];
let archivePublicKey: string;
let ward: Workstation;
let office: Workstation;
let withoutKey: Workstation;
let withOtherKey: Workstation;
const pdf = pdfWithText();

beforeAll(async () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'wardline-archive-'));
  const out = path.join(folder, 'st-elsewhere-archive.json');
  const sodium = await loadSodium();
  const made = await runArchiveKeygen(['--out', out, '--shares', '5', '--threshold', '3'], {
    now: () => Date.now(),
    randomKey: () => sodium.randombytes_buf(32),
    writeFiles: writeNewPrivateFiles,
    out: () => undefined,
    err: () => undefined,
  });
  expect(made).toBe(0);
  shares = [1, 2, 3, 4, 5].map((index) => sharePath(out, index, 5));
  // What keygen printed for IT: the public key and its fingerprint (every share names them too).
  const described = JSON.parse(readFileSync(shares[0] ?? '', 'utf8')) as { publicKey: string; fingerprint: string };
  archivePublicKey = described.publicKey;
  const policy = { archivePublicKey, archiveKeyFingerprint: described.fingerprint };
  const other = await archiveKeyPairOf(sodium.randombytes_buf(32));

  server = await startTestServer([nurse, doctor, unkeyed, stray], { archiveKeyFingerprint: described.fingerprint });
  ward = createWorkstation(server.endpoint, { policy });
  office = createWorkstation(server.endpoint, { policy });
  withoutKey = createWorkstation(server.endpoint);
  withOtherKey = createWorkstation(server.endpoint, {
    policy: {
      archivePublicKey: toBase64(other.encryption.publicKey),
      archiveKeyFingerprint: groupedFingerprint(other.fingerprint),
    },
  });
  await Promise.all([
    signIn(ward, nurse),
    signIn(office, doctor),
    signIn(withoutKey, unkeyed),
    signIn(withOtherKey, stray),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close(), withoutKey.close(), withOtherKey.close()]);
  await server.server.close();
});

const toDoctor = (text: string): RequestOf<'message.send'> => ({
  to: [{ kind: 'user', userId: doctor.userId }],
  title: null,
  text,
  priority: 'routine',
  expiresInSeconds: null,
});

describe('the archive key through the workstations and the server', () => {
  let conversationId = '';

  it('lets workstations whose policy names the key exchange messages, an attachment included', async () => {
    const draft = await attachFile(ward, { name: 'wound protocol.pdf', type: 'application/pdf', bytes: pdf });
    if (!draft.ok) throw new Error(draft.error.code);
    const sent = await ward.call('message.send', { ...toDoctor(FIRST), attachments: [draft.value.draftId] });
    if (!sent.ok) throw new Error(sent.error.code);
    conversationId = sent.value.conversationId;
    const received = await eventually(
      () => openThread(office, conversationId).catch(() => null),
      (thread) => thread !== null && thread.messages.length === 1,
    );
    expect(received?.messages[0]?.text).toBe(FIRST);
    const replied = await office.call('message.send', {
      conversationId,
      text: REPLY,
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!replied.ok) throw new Error(replied.error.code);
    await eventually(
      () => openThread(ward, conversationId),
      (thread) => thread.messages.some((message) => message.text === REPLY),
    );
  });

  it('seals twenty sends at once to the archive too, and the server takes every one', async () => {
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        ward.call('message.send', {
          conversationId,
          text: `Obs round ${String(index)}`,
          priority: 'routine',
          expiresInSeconds: null,
        }),
      ),
    );
    expect(sent.filter((result) => !result.ok)).toEqual([]);
    await eventually(
      () => openThread(office, conversationId),
      (thread) => thread.messages.length === 22,
    );
  });

  it('refuses a send before sealing where policy has no archive key, with the typed error, and keeps nothing', async () => {
    const sent = await withoutKey.call('message.send', toDoctor('Bed 4 needs a review'));
    expect(sent).toEqual({
      ok: false,
      error: {
        code: 'ARCHIVE_KEY_MISSING',
        message: "This hospital archives messages; this workstation's policy has no archive key. Contact IT.",
      },
    });
    const list = await withoutKey.call('conversations.list', { offset: 0, limit: 50 });
    expect(list.ok && list.value.items).toEqual([]);
  });

  it('refuses likewise where policy names another archive key', async () => {
    const sent = await withOtherKey.call('message.send', toDoctor('Bed 5 needs a review'));
    expect(sent.ok ? null : sent.error.code).toBe('ARCHIVE_KEY_MISMATCH');
    const list = await withOtherKey.call('conversations.list', { offset: 0, limit: 50 });
    expect(list.ok && list.value.items).toEqual([]);
  });

  it('opens every envelope the server holds, and its attachment, with the key rebuilt from three shares', async () => {
    await Promise.all([ward.close(), office.close()]);
    await server.server.close();
    const held = await heldByServer({ dataDir: server.dataDir });
    expect(held.envelopes).toHaveLength(22);

    // Any three of the five custodians: here the second, fourth and fifth.
    const rebuilt = await readArchiveKeyFiles([shares[1] ?? '', shares[3] ?? '', shares[4] ?? '']);
    if (!rebuilt.ok) throw new Error(rebuilt.error.code);
    const archive: ArchiveKeyPair = rebuilt.value;
    expect(toBase64(archive.encryption.publicKey)).toBe(archivePublicKey);

    const opened = [];
    for (const envelope of held.envelopes) {
      const signing = held.signingKeys.get(envelope.header.sender.userId) ?? '';
      const body = await openEnvelope(envelope, archive, signing);
      if (!body.ok) throw new Error(body.error);
      opened.push({ sender: envelope.header.sender.userId, body: body.value });
    }
    expect(opened.slice(0, 2).map(({ sender, body }) => [sender, body.text])).toEqual([
      [nurse.userId, FIRST],
      [doctor.userId, REPLY],
    ]);
    expect(
      opened
        .slice(2)
        .map(({ body }) => body.text)
        .sort(),
    ).toEqual(Array.from({ length: 20 }, (_, index) => `Obs round ${String(index)}`).sort());

    const [attachment] = opened[0]?.body.attachments ?? [];
    if (attachment === undefined) throw new Error('no attachment in the sealed body');
    expect(attachment).toMatchObject({ fileName: 'wound protocol.pdf', mediaType: 'application/pdf' });
    const plain = await decryptAttachment(held.blobs.get(attachment.blobId) ?? Buffer.alloc(0), {
      key: Buffer.from(attachment.key, 'base64'),
      size: attachment.size,
      sha256: Buffer.from(attachment.sha256, 'base64'),
    });
    expect(plain === 'damaged' ? plain : Buffer.from(plain).equals(Buffer.from(pdf))).toBe(true);
  });
});
