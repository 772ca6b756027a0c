/**
 * The blob routes (server/blobs/blob-routes.ts) as an attacker would use them, on a real server:
 * hostile ids and paths are all a blob nobody has (the same NOT_FOUND, never a fault, never a
 * hint that an id exists); hostile or lying headers (length, media type, token) get a typed
 * refusal or the HTTP parser's 400, and store nothing; methods the routes do not have do nothing.
 * At the end the database holds exactly the one blob uploaded properly.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CONTENT_TYPE, BLOBS_PATH, blobPath } from '../../shared/protocol/blob-api';
import {
  HOOK_TIMEOUT_MS,
  readyUsers,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../support/server-fixtures';
import { storedBlobs } from '../support/stored-blobs';

const MAX_BLOB_BYTES = 64 * 1024;

describe('blob routes under attack', () => {
  let target: TestServer;
  let owner: TestUser;
  let stranger: TestUser;
  let blobId: string;
  const bytes = randomBytes(5000);

  beforeAll(async () => {
    target = await startTestServer('pglite', { blobs: { maxBlobBytes: MAX_BLOB_BYTES } });
    [owner, stranger] = (await readyUsers(target, [
      { userId: 'owner.adams', displayName: 'Grace Adams' },
      { userId: 'stranger.berg', displayName: 'Ola Berg' },
    ])) as [TestUser, TestUser];
    const uploaded = await target.api.raw('POST', BLOBS_PATH, {
      headers: { authorization: `Bearer ${token(owner)}`, 'content-type': BLOB_CONTENT_TYPE },
      body: bytes,
    });
    expect(uploaded.status).toBe(200);
    blobId = (JSON.parse(uploaded.text) as { blobId: string }).blobId;
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const get = (path: string, user: TestUser | null = owner, headers: Record<string, string> = {}) =>
    target.api.raw('GET', path, {
      headers: { ...(user === null ? {} : { authorization: `Bearer ${token(user)}` }), ...headers },
    });
  const post = (headers: Record<string, string>, body?: string | Buffer) =>
    target.api.raw('POST', BLOBS_PATH, { headers, ...(body === undefined ? {} : { body }) });
  const notFound = JSON.stringify({ error: 'NOT_FOUND' });

  it('answers every hostile id or path exactly as a blob nobody has', async () => {
    const hostile = [
      blobId.toUpperCase(),
      `${blobId}x`,
      ` ${blobId}`,
      `${blobId}%00`,
      `${blobId}/..`,
      '..%2F..%2Fetc%2Fpasswd',
      "'%20OR%201=1%20--",
      '%E2%80%AE' + blobId.slice(1),
      'a'.repeat(5000),
      randomUUID(),
      '00000000-0000-0000-0000-000000000000',
    ];
    for (const id of hostile) {
      const answer = await get(`${BLOBS_PATH}/${id}`);
      expect({ id, status: answer.status, body: answer.text }).toEqual({ id, status: 404, body: notFound });
    }
    for (const path of [`${BLOBS_PATH}/`, `${BLOBS_PATH}/${blobId}/chunks/0`, `${BLOBS_PATH}/${blobId}?seq=1`]) {
      const answer = await get(path);
      if (answer.status === 200) expect(path).toContain('?');
      else expect({ path, status: answer.status, body: answer.text }).toEqual({ path, status: 404, body: notFound });
    }
    // Percent-encodings that decode to nothing sensible: a typed answer, never the path echoed.
    for (const id of ['%zz-probe', '%E0%A4%probe', `%${blobId}`]) {
      const answer = await get(`${BLOBS_PATH}/${id}`);
      expect([JSON.stringify({ error: 'MALFORMED_REQUEST' }), notFound]).toContain(answer.text);
    }
    // The owner's own blob, under a stranger's session, is the same nothing.
    expect((await get(blobPath(blobId), stranger)).text).toBe(notFound);
  });

  it('serves bytes only as an attachment-neutral octet stream, never cached', async () => {
    const answer = await get(blobPath(blobId));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(BLOB_CONTENT_TYPE);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['content-length']).toBe(String(bytes.length));
  });

  it('refuses a missing, malformed or foreign token before reading anything', async () => {
    const unauthenticated = JSON.stringify({ error: 'UNAUTHENTICATED' });
    for (const authorization of [
      undefined,
      'Bearer',
      `bearer ${token(owner)}`,
      `Basic ${Buffer.from('owner.adams:x').toString('base64')}`,
      `Bearer ${"' OR 1=1 --".padEnd(43, 'x')}`,
      `Bearer ${'A'.repeat(43)}`,
    ]) {
      const headers = authorization === undefined ? {} : { authorization };
      const upload = await post({ ...headers, 'content-type': BLOB_CONTENT_TYPE }, randomBytes(100));
      expect({ authorization, status: upload.status, body: upload.text }).toEqual({
        authorization,
        status: 401,
        body: unauthenticated,
      });
      expect((await get(blobPath(blobId), null, headers)).text).toBe(unauthenticated);
    }
    // A token in the query string is no token.
    expect((await get(`${blobPath(blobId)}?access_token=${token(owner)}`, null)).status).toBe(401);
  });

  it('refuses lying or hostile headers with a typed answer (or the parser’s 400), storing nothing', async () => {
    const auth = { authorization: `Bearer ${token(owner)}` };
    const typed = [
      // Over the maximum, declared: refused on the header alone.
      { headers: { ...auth, 'content-type': BLOB_CONTENT_TYPE, 'content-length': '99999999999999' }, body: undefined },
      // Not the blob media type, in any of its disguises.
      { headers: { ...auth, 'content-type': 'application/json' }, body: '{"blobId":"x"}' },
      { headers: { ...auth, 'content-type': 'text/plain' }, body: 'hello' },
      { headers: { ...auth, 'content-type': 'application/octet-stream-x' }, body: 'hello' },
      { headers: { ...auth }, body: randomBytes(100) },
      // Nothing to store.
      { headers: { ...auth, 'content-type': BLOB_CONTENT_TYPE }, body: Buffer.alloc(0) },
    ];
    const answers = [];
    for (const attempt of typed) {
      const answer = await post(attempt.headers, attempt.body);
      answers.push({ status: answer.status, body: JSON.parse(answer.text) as unknown });
    }
    expect(answers).toEqual([
      { status: 413, body: { error: 'PAYLOAD_TOO_LARGE' } },
      { status: 400, body: { error: 'MALFORMED_REQUEST' } },
      { status: 400, body: { error: 'MALFORMED_REQUEST' } },
      { status: 400, body: { error: 'MALFORMED_REQUEST' } },
      { status: 400, body: { error: 'MALFORMED_REQUEST' } },
      { status: 400, body: { error: 'MALFORMED_REQUEST' } },
    ]);
    // Lengths the HTTP parser itself will not take never reach a handler.
    for (const length of ['-1', '1e3', '0x10', '10, 20']) {
      const answer = await post({ ...auth, 'content-type': BLOB_CONTENT_TYPE, 'content-length': length }).catch(() => ({
        status: 400,
        text: '',
      }));
      expect(answer.status).toBe(400);
    }
    // Bytes past the maximum without a declared length: refused on the bytes.
    const undeclared = await post(
      { ...auth, 'content-type': BLOB_CONTENT_TYPE, 'transfer-encoding': 'chunked' },
      randomBytes(MAX_BLOB_BYTES + 1),
    );
    expect({ status: undeclared.status, body: undeclared.text }).toEqual({
      status: 413,
      body: JSON.stringify({ error: 'PAYLOAD_TOO_LARGE' }),
    });
  });

  it('has no other methods on blobs', async () => {
    const auth = { authorization: `Bearer ${token(owner)}` };
    for (const [method, path] of [
      ['DELETE', blobPath(blobId)],
      ['PUT', blobPath(blobId)],
      ['POST', blobPath(blobId)],
      ['GET', BLOBS_PATH],
      ['PATCH', BLOBS_PATH],
    ] as const) {
      const answer = await target.api
        .raw(method, path, {
          // Each on a connection of its own: a refusal that leaves a body unread may close the one it came on.
          headers: { ...auth, 'content-type': BLOB_CONTENT_TYPE, connection: 'close' },
          ...(method === 'GET' ? {} : { body: randomBytes(10) }),
        })
        .catch((error: unknown) => {
          throw new Error(`${method} ${path}: ${String(error)}`);
        });
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 });
    }
    expect((await get(blobPath(blobId))).status).toBe(200);
  });

  it('holds the one blob uploaded properly, as given, and nothing of any attack', async () => {
    const stored = await storedBlobs(target);
    expect([...stored.keys()]).toEqual([blobId]);
    expect(stored.get(blobId)?.bytes.equals(bytes)).toBe(true);
  });
});
