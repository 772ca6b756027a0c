/**
 * Attachment blobs follow their message, on a real server on each backend: a send claims the
 * blobs its signed header names only if each is the sender's own unsent upload (else
 * ATTACHMENT_UNKNOWN and nothing stored), exactly once however many sends race for one; the
 * message's readers, and only they, may download it (escalation recipients once their step is
 * released); recall and expiry delete the blobs with the message, and blobs never sent are
 * deleted by housekeeping. Refusals never tell a stranger that a blob exists.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signRecall } from '../../../shared/node/crypto/recall-signature';
import { createBlobClient, type BlobClient } from '../../../main/server-link/blob-client';
import { routes } from '../../../shared/protocol/api';
import { blobPath } from '../../../shared/protocol/blob-api';
import type { FeedEvent } from '../../../shared/protocol/feed';
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
import { storedBlobs } from '../../support/stored-blobs';

const postgres = usePostgres();
const MINUTE = 60_000;
const PENDING_TTL_MS = 30 * MINUTE;

describe.each(BACKENDS)('attachment blobs and their messages on %s', (backend) => {
  let target: TestServer;
  let client: BlobClient;
  let nurse: TestUser;
  let doctor: TestUser;
  let backup: TestUser;
  let outsider: TestUser;
  /** Blobs that must still be held at the end (claimed by a live message), and blobs that must be gone. */
  const kept = new Map<string, Buffer>();
  const gone = new Set<string>();

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres(), blobs: { pendingTtlMs: PENDING_TTL_MS } });
    client = createBlobClient({ url: target.server.url, caPem: target.caPem });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    client.close();
    await target.dispose();
  }, HOOK_TIMEOUT_MS);
  // Fresh people (and sessions) for each test: some move the server's clock on by many minutes.
  beforeEach(async () => {
    const tag = randomUUID().slice(0, 6);
    [nurse, doctor, backup, outsider] = (await readyUsers(target, [
      { userId: `nurse${tag}`, displayName: 'Grace Adams' },
      { userId: `doctor${tag}`, displayName: 'Chidi Okafor' },
      { userId: `backup${tag}`, displayName: 'Minh Nguyen' },
      { userId: `outsider${tag}`, displayName: 'Ola Berg' },
    ])) as [TestUser, TestUser, TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);

  const uploaded = async (user: TestUser, bytes: Buffer = randomBytes(1500)) => {
    const answer = await client.upload(bytes, token(user));
    if (!answer.ok) throw new Error(answer.error.code);
    return { blobId: answer.value.blobId, bytes };
  };

  const send = async (spec: MessageSpec) => {
    const envelope = await sealMessage(target, spec);
    const response = await target.api.raw('POST', routes.send.path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(spec.from)}` },
      body: JSON.stringify({ envelope }),
    });
    return { messageId: envelope.header.id, status: response.status, body: response.text };
  };

  /** The whole answer to a download, as a stranger would see it. */
  const fetchAs = async (user: TestUser, blobId: string) => {
    const response = await target.api.raw('GET', blobPath(blobId), {
      headers: { authorization: `Bearer ${token(user)}` },
    });
    return { status: response.status, body: response.status === 200 ? '(bytes)' : response.text };
  };

  const readable = async (user: TestUser, blobId: string, bytes: Buffer) => {
    const answer = await client.downloadBytes(blobId, token(user), { maxBytes: bytes.length });
    return answer.ok && Buffer.from(answer.value).equals(bytes);
  };

  const notFound = { status: 404, body: JSON.stringify({ error: 'NOT_FOUND' }) };
  const attachmentUnknown = { status: 409, body: JSON.stringify({ error: 'ATTACHMENT_UNKNOWN' }) };

  const envelopesFor = async (user: TestUser, messageId: string) =>
    (await target.api.ok('feed', { after: 0, limit: 500 }, token(user))).events.filter(
      (event: FeedEvent) => event.type === 'envelope' && event.envelope.header.id === messageId,
    );

  it('lets the sender and the recipients read what a message carries, and nobody else', async () => {
    const first = await uploaded(nurse, randomBytes(1.2 * 1024 * 1024));
    const second = await uploaded(nurse);
    const sent = await send({
      from: nurse,
      to: [doctor],
      text: 'ECG attached',
      attachments: [first.blobId, second.blobId],
    });
    expect(sent.status).toBe(200);
    for (const blob of [first, second]) {
      expect(await readable(doctor, blob.blobId, blob.bytes)).toBe(true);
      expect(await readable(nurse, blob.blobId, blob.bytes)).toBe(true);
      // A stranger learns nothing: the same answer as for an id nobody ever had.
      expect(await fetchAs(outsider, blob.blobId)).toEqual(notFound);
      kept.set(blob.blobId, blob.bytes);
    }
    expect(await fetchAs(outsider, randomUUID())).toEqual(notFound);
  });

  it("refuses a send naming someone else's blob, an unknown one or one already sent, and stores nothing", async () => {
    const theirs = await uploaded(outsider);
    const mine = await uploaded(nurse);
    for (const attachments of [[theirs.blobId], [mine.blobId, theirs.blobId], [randomUUID()]]) {
      const refused = await send({ from: nurse, to: [doctor], text: 'Results', attachments });
      expect({ status: refused.status, body: refused.body }).toEqual(attachmentUnknown);
      expect(await envelopesFor(doctor, refused.messageId)).toEqual([]);
    }
    // Not readable by the would-be sender or recipient, and still its uploader's to send.
    expect(await fetchAs(nurse, theirs.blobId)).toEqual(notFound);
    expect(await fetchAs(doctor, theirs.blobId)).toEqual(notFound);
    expect((await send({ from: outsider, to: [doctor], text: 'Mine', attachments: [theirs.blobId] })).status).toBe(200);
    // The nurse's blob was not claimed by the refused send that named it beside another's.
    expect((await send({ from: nurse, to: [doctor], text: 'Now', attachments: [mine.blobId] })).status).toBe(200);
    const again = await send({ from: nurse, to: [outsider], text: 'Again', attachments: [mine.blobId] });
    expect({ status: again.status, body: again.body }).toEqual(attachmentUnknown);
    // The blob stays with the first message only.
    expect(await fetchAs(outsider, mine.blobId)).toEqual(notFound);
    kept.set(theirs.blobId, theirs.bytes).set(mine.blobId, mine.bytes);
  });

  it('gives a blob to exactly one of twenty sends racing to claim it', async () => {
    const blob = await uploaded(nurse);
    const envelopes = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        sealMessage(target, { from: nurse, to: [doctor], text: `Copy ${String(n)}`, attachments: [blob.blobId] }),
      ),
    );
    const answers = await Promise.all(
      envelopes.map((envelope) =>
        target.api.raw('POST', routes.send.path, {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token(nurse)}` },
          body: JSON.stringify({ envelope }),
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((each) => each.status !== 200))
      expect({ status: answer.status, body: answer.text }).toEqual(attachmentUnknown);
    const delivered = (await target.api.ok('feed', { after: 0, limit: 500 }, token(doctor))).events.filter(
      (event) => event.type === 'envelope',
    );
    expect(delivered).toHaveLength(1);
    expect(await readable(doctor, blob.blobId, blob.bytes)).toBe(true);
    kept.set(blob.blobId, blob.bytes);
  });

  it('lets an escalation recipient read the blob once their step is released, not before', async () => {
    const blob = await uploaded(nurse);
    const sent = await send({
      from: nurse,
      to: [doctor],
      text: 'Bed 2 VF arrest',
      priority: 'stat',
      escalation: { repeatEveryMs: null, steps: [{ afterMs: 2 * MINUTE, to: [backup], reason: 'backup' }] },
      attachments: [blob.blobId],
    });
    expect(sent.status).toBe(200);
    expect(await fetchAs(backup, blob.blobId)).toEqual(notFound);
    target.clock.advance(2 * MINUTE);
    await target.server.releaseDueEscalations();
    expect(await readable(backup, blob.blobId, blob.bytes)).toBe(true);
    kept.set(blob.blobId, blob.bytes);
  });

  it('deletes the blobs of a recalled message', async () => {
    const blob = await uploaded(nurse);
    const sent = await send({ from: nurse, to: [doctor], text: 'Wrong patient', attachments: [blob.blobId] });
    expect(await readable(doctor, blob.blobId, blob.bytes)).toBe(true);
    const recalledAt = target.clock.now();
    const signature = await signRecall(
      { messageId: sent.messageId, senderId: nurse.userId, recalledAt },
      nurse.identity!.signing.privateKey,
    );
    await target.api.ok('recall', { messageId: sent.messageId, recalledAt, signature }, token(nurse));
    expect(await fetchAs(doctor, blob.blobId)).toEqual(notFound);
    expect(await fetchAs(nurse, blob.blobId)).toEqual(notFound);
    gone.add(blob.blobId);
  });

  it('stops serving the blobs of an expired message at once, and deletes them with it', async () => {
    const blob = await uploaded(nurse);
    await send({
      from: nurse,
      to: [doctor],
      text: 'Gone soon',
      expiresAt: target.clock.now() + MINUTE,
      attachments: [blob.blobId],
    });
    expect(await readable(doctor, blob.blobId, blob.bytes)).toBe(true);
    target.clock.advance(MINUTE + 1);
    expect(await fetchAs(doctor, blob.blobId)).toEqual(notFound);
    expect((await target.server.admin.sweepExpired()).expiredEnvelopes).toBeGreaterThanOrEqual(1);
    gone.add(blob.blobId);
  });

  it('deletes blobs never sent once their time is up, and a send can no longer name them', async () => {
    const stale = await uploaded(nurse);
    // The clock moves past a session's life: each signs in again, as a clinician would.
    target.clock.advance(PENDING_TTL_MS - MINUTE);
    await signIn(target, nurse);
    await signIn(target, doctor);
    const fresh = await uploaded(nurse);
    target.clock.advance(MINUTE);
    expect((await target.server.admin.sweepExpired()).stalePendingBlobs).toBeGreaterThanOrEqual(1);
    expect(await fetchAs(nurse, stale.blobId)).toEqual(notFound);
    expect(await readable(nurse, fresh.blobId, fresh.bytes)).toBe(true);
    const refused = await send({ from: nurse, to: [doctor], text: 'Late', attachments: [stale.blobId] });
    expect({ status: refused.status, body: refused.body }).toEqual(attachmentUnknown);
    expect((await send({ from: nurse, to: [doctor], text: 'In time', attachments: [fresh.blobId] })).status).toBe(200);
    gone.add(stale.blobId);
    kept.set(fresh.blobId, fresh.bytes);
  });

  it('holds the blobs of live messages byte for byte, and nothing of recalled, expired or stale ones', async () => {
    const stored = await storedBlobs(target);
    for (const blobId of gone) expect(stored.has(blobId)).toBe(false);
    for (const [blobId, bytes] of kept) {
      const blob = stored.get(blobId);
      expect(blob?.messageId).not.toBeNull();
      expect(blob?.bytes.equals(bytes)).toBe(true);
    }
    for (const blob of stored.values()) expect(blob.completed).toBe(true);
  });
});
