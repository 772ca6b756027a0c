/**
 * Attachment blobs on a real server, on each backend (server/blobs/), through the workstation's
 * own client (main/server-link/blob-client.ts): bytes go up and come back exactly, in chunks,
 * whether their length is declared or not; an oversized blob is refused before its body is read
 * (and on its bytes when it declares no length); an upload abandoned midway, or refused, leaves
 * nothing; one person's unsent blobs are bounded in count and bytes even under concurrent
 * uploads; and in the end the database holds, of blobs, exactly the bytes it was given.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import https from 'node:https';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBlobClient, type BlobClient } from '../../../main/server-link/blob-client';
import { BLOB_CONTENT_TYPE, BLOBS_PATH } from '../../../shared/protocol/blob-api';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  HOOK_TIMEOUT_MS,
  readyUsers,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';
import { storedBlobs } from '../../support/stored-blobs';
import { eventually } from '../../support/workstation';

const postgres = usePostgres();
const MiB = 1024 * 1024;
const LIMITS = { maxBlobBytes: 3 * MiB, maxPendingBlobs: 4, maxPendingBytes: 8 * MiB };

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) {
    // As a producer that encrypts as it goes would: a piece at a time.
    await tick();
    yield bytes.subarray(offset, offset + size);
  }
}

describe.each(BACKENDS)('attachment blob transfer on %s', (backend) => {
  let target: TestServer;
  let client: BlobClient;
  let nurse: TestUser;
  let doctor: TestUser;
  /** Every blob the server accepted, by id: what the database must hold at the end, byte for byte. */
  const accepted = new Map<string, Buffer>();

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres(), blobs: LIMITS });
    client = createBlobClient({ url: target.server.url, caPem: target.caPem });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    client.close();
    await target.dispose();
  }, HOOK_TIMEOUT_MS);
  beforeEach(async () => {
    const tag = randomUUID().slice(0, 6);
    [nurse, doctor] = (await readyUsers(target, [
      { userId: `nurse${tag}`, displayName: 'Grace Adams' },
      { userId: `doctor${tag}`, displayName: 'Chidi Okafor' },
    ])) as [TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);

  const upload = async (user: TestUser, bytes: Buffer, options: { size?: number; streamed?: boolean } = {}) => {
    const answer = await client.upload(options.streamed === true ? pieces(bytes, 64 * 1024) : bytes, token(user), {
      ...(options.size === undefined ? {} : { size: options.size }),
    });
    if (answer.ok) accepted.set(answer.value.blobId, bytes);
    return answer;
  };

  it('takes bytes and gives them back exactly, across chunks, with or without a declared length', async () => {
    const bytes = randomBytes(2.5 * MiB + 7);
    const whole = await upload(nurse, bytes);
    expect(whole.ok && whole.value.size).toBe(bytes.length);
    const streamed = await upload(nurse, bytes, { streamed: true });
    const declared = await upload(nurse, bytes, { streamed: true, size: bytes.length });
    for (const answer of [whole, streamed, declared]) {
      if (!answer.ok) throw new Error(answer.error.code);
      const back = await client.downloadBytes(answer.value.blobId, token(nurse), { maxBytes: 3 * MiB });
      expect(back.ok && Buffer.from(back.value).equals(bytes)).toBe(true);
    }
    // Three different blobs of the same bytes: the server names them, never the client.
    expect(new Set([whole, streamed, declared].map((answer) => answer.ok && answer.value.blobId)).size).toBe(3);
  });

  it('streams a download in pieces, and refuses one larger than the caller will take before reading it', async () => {
    const bytes = randomBytes(1.5 * MiB);
    const uploaded = await upload(nurse, bytes);
    if (!uploaded.ok) throw new Error(uploaded.error.code);
    const opened = await client.download(uploaded.value.blobId, token(nurse), { maxBytes: 2 * MiB });
    if (!opened.ok) throw new Error(opened.error.code);
    expect(opened.value.size).toBe(bytes.length);
    const received: Uint8Array[] = [];
    for await (const piece of opened.value.chunks) received.push(piece);
    expect(received.length).toBeGreaterThan(1);
    expect(Buffer.concat(received).equals(bytes)).toBe(true);
    expect(await client.download(uploaded.value.blobId, token(nurse), { maxBytes: bytes.length - 1 })).toEqual({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
  });

  it('refuses an oversized blob by its declared length before taking its body, and by its bytes when it declares none', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        await tick();
        produced += 64 * 1024;
        yield Buffer.alloc(64 * 1024, 1);
        if (produced > 64 * MiB) throw new Error('the client kept sending');
      }
    }
    const declared = await client.upload(endless(), token(nurse), { size: LIMITS.maxBlobBytes + 1 });
    expect(declared).toEqual({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    // Told before the body: what was sent before the answer came is a fraction of it.
    expect(produced).toBeLessThan(LIMITS.maxBlobBytes);

    const undeclared = await upload(nurse, randomBytes(LIMITS.maxBlobBytes + 1), { streamed: true });
    expect(undeclared).toEqual({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    // Nothing of either counts: the nurse still has room for every pending blob allowed.
    for (let n = 0; n < LIMITS.maxPendingBlobs; n += 1) expect((await upload(nurse, randomBytes(100))).ok).toBe(true);
  });

  it('bounds the blobs one person holds unsent, in count and bytes, even when uploads race', async () => {
    const results = await Promise.all(
      Array.from({ length: 3 * LIMITS.maxPendingBlobs }, () => upload(nurse, randomBytes(1000))),
    );
    expect(results.filter((answer) => answer.ok)).toHaveLength(LIMITS.maxPendingBlobs);
    for (const answer of results.filter((result) => !result.ok))
      expect(answer).toEqual({ ok: false, error: { code: 'BLOB_QUOTA_EXCEEDED' } });
    // Someone else's room is their own.
    expect((await upload(doctor, randomBytes(3 * MiB))).ok).toBe(true);
    expect((await upload(doctor, randomBytes(3 * MiB))).ok).toBe(true);
    // 6 MiB held: a third 3 MiB blob would pass 8 MiB, a 1 MiB one does not.
    expect(await upload(doctor, randomBytes(3 * MiB))).toEqual({ ok: false, error: { code: 'BLOB_QUOTA_EXCEEDED' } });
    expect((await upload(doctor, randomBytes(MiB))).ok).toBe(true);
  });

  it('keeps nothing of an upload abandoned midway', async () => {
    const request = https.request(new URL(BLOBS_PATH, target.server.url), {
      method: 'POST',
      ca: target.caPem,
      headers: {
        authorization: `Bearer ${token(nurse)}`,
        'content-type': BLOB_CONTENT_TYPE,
        'content-length': String(2 * MiB),
      },
    });
    request.on('error', () => undefined);
    request.write(randomBytes(1.25 * MiB));
    if (backend === 'postgres') {
      // The server has stored a chunk of it...
      await eventually(
        () =>
          postgres().execute(
            target.databaseUrl!,
            `SELECT 1 FROM blobs WHERE owner_id = '${nurse.userId}' AND size > 0`,
          ),
        (rows) => rows.length === 1,
      );
    } else {
      // (PGlite is the server's alone while it runs: give it the moment it takes, and let the final scan judge.)
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    request.destroy();
    // ...and once the client is gone, none of it.
    if (backend === 'postgres')
      await eventually(
        () => postgres().execute(target.databaseUrl!, `SELECT 1 FROM blobs WHERE owner_id = '${nurse.userId}'`),
        (rows) => rows.length === 0,
      );
    // Its place is free: every pending blob allowed can still be uploaded.
    for (let n = 0; n < LIMITS.maxPendingBlobs; n += 1) {
      const answer = await eventually(
        () => upload(nurse, randomBytes(10)),
        (result) => result.ok,
      );
      expect(answer.ok).toBe(true);
    }
  });

  it('answers an upload without a session, or from a role without messaging, with a typed refusal', async () => {
    expect(await client.upload(randomBytes(10), 'x'.repeat(43))).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    const [officer] = await readyUsers(target, [
      { userId: `officer${randomUUID().slice(0, 6)}`, displayName: 'Ola Berg', role: 'compliance-officer' },
    ]);
    expect(await client.upload(randomBytes(10), token(officer!))).toEqual({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await client.downloadBytes(randomUUID(), token(officer!), { maxBytes: 10 })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('holds every accepted blob finished and byte for byte as given, and nothing else', async () => {
    const stored = await storedBlobs(target);
    expect([...stored.keys()].sort()).toEqual([...accepted.keys()].sort());
    for (const [blobId, bytes] of accepted) {
      const blob = stored.get(blobId);
      expect(blob?.completed).toBe(true);
      expect(blob?.size).toBe(bytes.length);
      expect(blob?.messageId).toBeNull();
      expect(blob?.bytes.equals(bytes)).toBe(true);
    }
    // The request log names the route, never a blob.
    for (const blobId of accepted.keys()) expect(target.log.text()).not.toContain(blobId);
  });
});
