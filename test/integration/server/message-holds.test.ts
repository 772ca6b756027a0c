/**
 * Legal holds on messages, on a real server on each backend (server migration 23,
 * server/holds/): while a hold covers a custodian or a conversation, recall, expiry and any
 * delete leave the ciphertext, recall signature, receipts and blobs on the server for the
 * matter's export, yet recipients see recalled and expired messages go as before. Releasing lets
 * them go. Only compliance officers may hold, release (freshly signed in) or export; a hold
 * placed while a delete is in flight waits for it; the limit on holds holds under a race.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signRecall } from '../../../shared/node/crypto/recall-signature';
import { createBlobClient, type BlobClient } from '../../../main/server-link/blob-client';
import { openDatabase } from '../../../server/db/open-database';
import { routes } from '../../../shared/protocol/api';
import { blobPath } from '../../../shared/protocol/blob-api';
import { complianceBlobPath, MAX_HOLDS_IN_FORCE } from '../../../shared/protocol/message-hold-api';
import { buildPackageManifest, matterOfHolds, type PackageInput } from '../../../shared/protocol/ediscovery-package';
import type { Envelope } from '../../../shared/protocol/envelope';
import { nodeSha256 } from '../../../shared/node/ediscovery/package-verify';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  HOOK_TIMEOUT_MS,
  readyUsers,
  sealMessage,
  signIn,
  startTestServer,
  token,
  type MessageSpec,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const MINUTE = 60_000;
const noFilter = {
  userId: null,
  patient: null,
  workstationId: null,
  conversationId: null,
  action: null,
  since: null,
  until: null,
};

describe.each(BACKENDS)('legal holds on messages on %s', (backend) => {
  let target: TestServer;
  let client: BlobClient;
  let nurse: TestUser;
  let doctor: TestUser;
  let backup: TestUser;
  let officer: TestUser;
  let admin: TestUser;
  let matter: string;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    client = createBlobClient({ url: target.server.url, caPem: target.caPem });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    client.close();
    await target.dispose();
  }, HOOK_TIMEOUT_MS);
  beforeEach(async () => {
    const tag = randomUUID().slice(0, 6);
    matter = `Adams v. General ${tag}`;
    [nurse, doctor, backup, officer, admin] = (await readyUsers(target, [
      { userId: `nurse${tag}`, displayName: 'Grace Adams' },
      { userId: `doctor${tag}`, displayName: 'Chidi Okafor', role: 'physician' },
      { userId: `backup${tag}`, displayName: 'Minh Nguyen', role: 'physician' },
      { userId: `officer${tag}`, displayName: 'Ines Duarte', role: 'compliance-officer' },
      { userId: `admin${tag}`, displayName: 'Sam Reyes', role: 'it-admin' },
    ])) as [TestUser, TestUser, TestUser, TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);

  const send = async (spec: MessageSpec) => {
    const envelope = await sealMessage(target, spec);
    await target.api.ok('send', { envelope }, token(spec.from));
    return envelope.header.id;
  };
  const uploaded = async (user: TestUser) => {
    const bytes = randomBytes(3000);
    const answer = await client.upload(bytes, token(user));
    if (!answer.ok) throw new Error(answer.error.code);
    return { blobId: answer.value.blobId, bytes };
  };
  const recall = async (user: TestUser, messageId: string) => {
    const recalledAt = target.clock.now();
    const signature = await signRecall(
      { messageId, senderId: user.userId, recalledAt },
      user.identity!.signing.privateKey,
    );
    await target.api.ok('recall', { messageId, recalledAt, signature }, token(user));
  };
  const call = (
    user: TestUser,
    route: 'placeMessageHold' | 'releaseMessageHold' | 'messageHolds' | 'matterMessages',
    body: object,
  ) =>
    target.api.raw(routes[route].method, routes[route].path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(user)}` },
      ...(routes[route].method === 'POST' ? { body: JSON.stringify(body) } : {}),
    });
  const hold = async (body: { custodianId: string } | { conversationId: string }) =>
    (await target.api.ok('placeMessageHold', { matter, reasonCode: 'litigation', ...body }, token(officer))).hold;
  const exported = async () => {
    const page = await target.api.ok('matterMessages', { matter, after: null }, token(officer));
    return new Map(
      page.messages.map((message) => [
        (JSON.parse(message.envelopeJson) as { header: { id: string } }).header.id,
        message,
      ]),
    );
  };
  const historyIds = async (user: TestUser, conversationId: string) =>
    (await target.api.ok('history', { conversationId, before: null, limit: 50 }, token(user))).envelopes.map(
      (each) => each.envelope.header.id,
    );
  const heldDownload = (user: TestUser, blobId: string) =>
    target.api.raw('GET', complianceBlobPath(blobId), { headers: { authorization: `Bearer ${token(user)}` } });

  it('lets only a compliance officer hold, list, release and export', async () => {
    for (const user of [nurse, doctor, admin]) {
      const placed = await call(user, 'placeMessageHold', {
        matter,
        reasonCode: 'litigation',
        custodianId: nurse.userId,
      });
      expect({ status: placed.status, body: placed.text }).toEqual({ status: 403, body: '{"error":"FORBIDDEN"}' });
      expect((await call(user, 'messageHolds', {})).status).toBe(403);
      expect((await call(user, 'matterMessages', { matter, after: null })).status).toBe(403);
    }
    const placed = await hold({ custodianId: nurse.userId });
    expect(placed).toMatchObject({
      matter,
      reasonCode: 'litigation',
      custodian: { userId: nurse.userId, displayName: 'Grace Adams' },
      conversationId: null,
      placedBy: officer.userId,
    });
    const released = await call(nurse, 'releaseMessageHold', { holdId: placed.holdId });
    expect(released.status).toBe(403);
    // Someone who is not an account is not a custodian; a matter nobody holds has nothing to export.
    const nobody = await call(officer, 'placeMessageHold', {
      matter,
      reasonCode: 'litigation',
      custodianId: `ghost${randomUUID().slice(0, 6)}`,
    });
    expect({ status: nobody.status, body: nobody.text }).toEqual({ status: 404, body: '{"error":"NOT_FOUND"}' });
    expect((await call(officer, 'matterMessages', { matter: 'No such matter', after: null })).status).toBe(404);
    const bad = await call(officer, 'placeMessageHold', {
      matter: 'Two\nlines',
      reasonCode: 'litigation',
      custodianId: nurse.userId,
    });
    expect(bad.status).toBe(400);
  });

  it("keeps a custodian's recalled, expired and deleted messages for the export, while readers see them go", async () => {
    const conversationId = randomUUID();
    const photo = await uploaded(nurse);
    const recalled = await send({
      from: nurse,
      to: [doctor],
      text: 'Wrong bed',
      conversationId,
      attachments: [photo.blobId],
    });
    const expiring = await send({
      from: nurse,
      to: [doctor],
      text: 'Gone soon',
      conversationId,
      expiresAt: target.clock.now() + MINUTE,
    });
    const reply = await send({ from: doctor, to: [nurse], text: 'Seen', conversationId });
    const unrelated = await send({ from: doctor, to: [backup], text: 'Elsewhere' });
    const beforeReceipt = target.clock.now() - 1;
    await target.api.ok('receipts', { receipts: [{ messageId: recalled, kind: 'delivered' }] }, token(doctor));
    const placed = await hold({ custodianId: nurse.userId });

    await recall(nurse, recalled);
    target.clock.advance(MINUTE + 1);
    await target.server.admin.sweepExpired();
    await recall(doctor, unrelated);

    // The readers: the recalled and the expired message are gone, the blob too.
    expect(await historyIds(doctor, conversationId)).toEqual([reply]);
    const fetched = await target.api.raw('GET', blobPath(photo.blobId), {
      headers: { authorization: `Bearer ${token(doctor)}` },
    });
    expect(fetched.status).toBe(404);

    // The matter: all three, as they were sealed, each with its state; nothing of the unrelated one.
    const held = await exported();
    expect([...held.keys()].sort()).toEqual([recalled, expiring, reply].sort());
    expect(held.get(recalled)).toMatchObject({
      state: 'recalled',
      blobs: [{ blobId: photo.blobId, size: photo.bytes.length }],
    });
    expect(held.get(recalled)?.recall?.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(held.get(recalled)?.receipts).toEqual([
      expect.objectContaining({ userId: doctor.userId, kind: 'delivered' }),
    ]);
    expect(held.get(expiring)?.state).toBe('expired');
    expect(held.get(reply)?.state).toBe('standing');
    const page = await target.api.ok('matterMessages', { matter, after: null }, token(officer));
    expect(page.people.map((person) => person.userId).sort()).toEqual([doctor.userId, nurse.userId].sort());
    // Later pages of an export are read as of its first page's time: a receipt taken after it is
    // not in them (nor in the server's rebuild), so one arriving mid-export cannot spoil the digest.
    const asOf = await target.api.ok('matterMessages', { matter, after: null, asOf: beforeReceipt }, token(officer));
    expect(asOf.at).toBe(beforeReceipt);
    expect(asOf.messages.find((m) => m.receipts.length > 0)).toBeUndefined();
    const toCome = { matter, after: null, asOf: target.clock.now() + MINUTE };
    expect((await call(officer, 'matterMessages', toCome)).status).toBe(400);

    // The held blob, byte for byte, to the officer only; a blob no hold covers is NOT_FOUND.
    const download = await heldDownload(officer, photo.blobId);
    expect(download.status).toBe(200);
    expect(Buffer.from(download.bytes).equals(photo.bytes)).toBe(true);
    expect((await heldDownload(doctor, photo.blobId)).status).toBe(403);
    // The same route spelled otherwise is still the compliance route, with its rule.
    for (const spelled of ['/v1/compliance/%62lobs/', '/v1/%63ompliance/blobs/', '/v1/compliance//blobs/']) {
      const sneaked = await target.api.raw('GET', `${spelled}${photo.blobId}`, {
        headers: { authorization: `Bearer ${token(doctor)}` },
      });
      expect(sneaked.status, spelled).not.toBe(200);
    }
    const loose = await uploaded(doctor);
    expect((await heldDownload(officer, loose.blobId)).status).toBe(404);

    // Released (freshly signed in): what only the hold kept goes, and the matter is closed.
    await signIn(target, officer);
    await target.api.ok('releaseMessageHold', { holdId: placed.holdId }, token(officer));
    await target.server.admin.sweepExpired();
    expect((await call(officer, 'matterMessages', { matter, after: null })).status).toBe(404);
    expect((await heldDownload(officer, photo.blobId)).status).toBe(404);
    await hold({ conversationId });
    expect([...(await exported()).keys()]).toEqual([reply]);
  });

  it('holds a conversation whoever writes in it, and asks for a fresh sign-in to release', async () => {
    const conversationId = randomUUID();
    const placed = await hold({ conversationId });
    const first = await send({ from: doctor, to: [backup], text: 'Handover', conversationId });
    await recall(doctor, first);
    const elsewhere = await send({ from: doctor, to: [backup], text: 'Other thread' });
    await recall(doctor, elsewhere);
    expect([...(await exported()).keys()]).toEqual([first]);
    expect((await target.api.ok('messageHolds', {}, token(officer))).holds.map((each) => each.holdId)).toContain(
      placed.holdId,
    );

    target.clock.advance(6 * MINUTE);
    const stale = await call(officer, 'releaseMessageHold', { holdId: placed.holdId });
    expect({ status: stale.status, body: stale.text }).toEqual({
      status: 403,
      body: '{"error":"REAUTHENTICATION_REQUIRED"}',
    });
    await signIn(target, officer);
    // Twenty releases at once: one takes effect, the rest find no hold in force.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call(officer, 'releaseMessageHold', { holdId: placed.holdId })),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((each) => each.status !== 200)) expect(answer.status).toBe(404);
    expect((await target.api.ok('messageHolds', {}, token(officer))).holds.map((each) => each.holdId)).not.toContain(
      placed.holdId,
    );
  });

  /** The digest of the package the officer would build from what the server serves (as main/audit/matter-export.ts does). */
  const packageDigestOf = async (edit: (input: PackageInput) => PackageInput = (input) => input) => {
    const holds = (await target.api.ok('messageHolds', {}, token(officer))).holds;
    const page = await target.api.ok('matterMessages', { matter, after: null }, token(officer));
    const search = await target.api.ok(
      'auditSearch',
      { filter: noFilter, afterIndex: -1, limit: 1, knownTreeSize: 0 },
      token(officer),
    );
    const messages = [];
    for (const message of page.messages) {
      const attachments = [];
      for (const blob of message.blobs) {
        const bytes = (await heldDownload(officer, blob.blobId)).bytes;
        attachments.push({ ...blob, sha256: createHash('sha256').update(bytes).digest('hex') });
      }
      messages.push({ ...message, envelope: JSON.parse(message.envelopeJson) as Envelope, attachments });
    }
    const input: PackageInput = {
      matter: matterOfHolds(matter, holds)!,
      exportedAt: page.at,
      exportedBy: officer.userId,
      auditKey: search.auditKey!,
      archiveFingerprint: 'ab'.repeat(32),
      directory: page.people,
      messages,
    };
    const built = buildPackageManifest(edit(input), nodeSha256);
    if (!built.ok) throw new Error(built.error.code);
    return { digest: built.value.digest, exportedAt: page.at, archiveFingerprint: input.archiveFingerprint };
  };

  it("records a matter's export on the chain only for the package the server would build itself", async () => {
    const photo = await uploaded(nurse);
    await send({ from: nurse, to: [doctor], text: 'Wound photo', attachments: [photo.blobId] });
    await send({ from: doctor, to: [nurse], text: 'Seen' });
    await hold({ custodianId: nurse.userId });
    const honest = await packageDigestOf();
    const record = (user: TestUser, body: object) =>
      target.api.raw('POST', routes.recordMatterExport.path, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token(user)}` },
        body: JSON.stringify({ matter, ...honest, ...body }),
      });
    expect((await record(nurse, {})).status).toBe(403);
    expect((await record(officer, { matter: 'Closed matter' })).status).toBe(404);
    // Made-up content: another digest, a key the directory never gave, a message left out, a time
    // the server did not serve: none is recorded.
    const forgedKey = await packageDigestOf((input) => ({
      ...input,
      directory: input.directory.map((person) =>
        person.userId === nurse.userId
          ? { ...person, signingKeys: [{ key: Buffer.alloc(32, 7).toString('base64'), from: 0, until: null }] }
          : person,
      ),
    }));
    const shortened = await packageDigestOf((input) => ({ ...input, messages: input.messages.slice(1) }));
    for (const forged of [
      { digest: randomBytes(32).toString('hex') },
      { digest: forgedKey.digest },
      { digest: shortened.digest },
      { exportedAt: honest.exportedAt + 60_000 },
    ]) {
      const answer = await record(officer, forged);
      expect({ status: answer.status, body: answer.text }, JSON.stringify(forged)).toEqual({
        status: 409,
        body: '{"error":"CONFLICT"}',
      });
    }
    await target.api.ok('recordMatterExport', { matter, ...honest }, token(officer));
    await target.server.foldServerTrail();
    const found = await target.api.ok(
      'auditSearch',
      {
        filter: { ...noFilter, userId: officer.userId, action: 'admin.action' },
        afterIndex: -1,
        limit: 100,
        knownTreeSize: 0,
      },
      token(officer),
    );
    const exports = found.entries.filter(({ entry }) => entry.record.reason === 'MATTER_EXPORTED');
    expect(exports.map(({ entry }) => entry.record.object)).toEqual([
      { kind: 'ediscovery-package', id: honest.digest },
    ]);
    expect(exports[0]?.proof.length).toBeGreaterThan(0);
    // The matter's name is nowhere on the chain.
    expect(JSON.stringify(found.entries)).not.toContain(matter);
  });

  it.runIf(backend === 'postgres')(
    'makes a hold wait for a delete in flight, and keeps the limit under a race',
    async () => {
      const kept = await send({ from: nurse, to: [doctor], text: 'Before' });
      const goner = await send({ from: nurse, to: [doctor], text: 'Going' });
      const other = await openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
      try {
        let settled = false;
        let placing: Promise<unknown> = Promise.resolve();
        await other.transaction(async (tx) => {
          // A delete that has looked for holds (none yet) and not committed.
          await tx.query('DELETE FROM envelopes WHERE message_id = $1', [goner]);
          placing = hold({ custodianId: nurse.userId }).finally(() => (settled = true));
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(settled).toBe(false);
        });
        await placing;
        // The delete committed first; the hold then covers what remains, and later deletes skip it.
        const gone = await other.query('DELETE FROM envelopes WHERE message_id = $1 RETURNING message_id', [kept]);
        expect(gone).toEqual([]);
        expect([...(await exported()).keys()]).toEqual([kept]);

        const inForce = (await target.api.ok('messageHolds', {}, token(officer))).holds.length;
        const room = 10;
        for (let n = inForce; n < MAX_HOLDS_IN_FORCE - room; n += 1)
          await other.query(
            `INSERT INTO message_holds (hold_id, event, conversation_id, matter, reason_code, at, actor)
           VALUES ($1, 'placed', $2, 'Filler', 'litigation', 0, 'officer')`,
            [randomUUID(), randomUUID()],
          );
        const answers = await Promise.all(
          Array.from({ length: 20 }, () =>
            call(officer, 'placeMessageHold', { matter, reasonCode: 'subpoena', conversationId: randomUUID() }),
          ),
        );
        expect(answers.filter((answer) => answer.status === 200)).toHaveLength(room);
        for (const answer of answers.filter((each) => each.status !== 200))
          expect({ status: answer.status, body: answer.text }).toEqual({
            status: 409,
            body: '{"error":"HOLD_LIMIT_REACHED"}',
          });
      } finally {
        await other.close();
      }
    },
    HOOK_TIMEOUT_MS,
  );
});
