/**
 * Hostile and broken input, on each backend: every refusal is a typed error body with the
 * code's status (never a stack or an echo), and neither the caller's connection nor anyone
 * else's is disturbed by it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentityKeys, publicKeysOf } from '../../../main/crypto/identity-keys';
import { sealEnvelope } from '../../../main/crypto/envelope-seal';
import { errorResponse } from '../../../shared/protocol/errors';
import type { Envelope } from '../../../shared/protocol/envelope';
import { MAX_CLIENT_FRAME_BYTES } from '../../../shared/protocol/stream';
import { usePostgres } from '../../support/postgres';
import { streamRefusal, type StreamClient } from '../../support/server-client';
import {
  BACKENDS,
  createUser,
  publishIdentity,
  readyUsers,
  sealMessage,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
  HOOK_TIMEOUT_MS,
} from '../../support/server-fixtures';

const postgres = usePostgres();

/** Another base64 character at `index` (16 places on, so the spare bits stay zero): different bytes, still canonical. */
function flipCharacter(text: string, index: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const position = alphabet.indexOf(text.charAt(index));
  return `${text.slice(0, index)}${alphabet.charAt((position + 16) % 64)}${text.slice(index + 1)}`;
}

describe.each(BACKENDS)('refusals on %s', (backend) => {
  let target: TestServer;
  let adams: TestUser;
  let patel: TestUser;
  let okafor: TestUser;
  let unpublished: TestUser;
  let bystander: TestUser;
  /** Okafor's stream sends the bad frames; the bystander's must not notice. Neither gets other traffic. */
  let offenderStream: StreamClient;
  let bystanderStream: StreamClient;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    [adams, patel, okafor, bystander] = (await readyUsers(target, [
      { userId: 'nurse.adams', displayName: 'Grace Adams' },
      { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' },
      { userId: 'nurse.okafor', displayName: 'Chidi Okafor' },
      { userId: 'nurse.bystander', displayName: 'Pat Bystander' },
    ])) as [TestUser, TestUser, TestUser, TestUser];
    unpublished = await createUser(target, { userId: 'dr.nokeys', displayName: 'Never Signed In', role: 'physician' });
    offenderStream = await target.stream(token(okafor));
    bystanderStream = await target.stream(token(bystander));
    for (const stream of [offenderStream, bystanderStream]) {
      stream.resume(0);
      await stream.untilReady();
    }
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    // The bystander and the offender are both still connected and served after everything.
    const envelope = await sealMessage(target, { from: adams, to: [okafor, bystander], text: 'Still here?' });
    await target.api.ok('send', { envelope }, token(adams));
    for (const stream of [offenderStream, bystanderStream]) {
      expect(await stream.next()).toMatchObject({
        type: 'event',
        event: { type: 'envelope', envelope: { header: { id: envelope.header.id } } },
      });
    }
    await target.dispose();
  }, HOOK_TIMEOUT_MS);

  const refusedSend = (envelope: unknown, from = adams) => target.api.refused('send', { envelope }, token(from));
  const message = (to: TestUser[] = [patel]) =>
    sealMessage(target, { from: adams, to, text: 'Potassium 6.1, repeat sample' });

  describe('envelopes', () => {
    it('refuses a tampered ciphertext, header or sealed key as SIGNATURE_INVALID', async () => {
      const envelope = await message();
      const tampered: Envelope[] = [
        { ...envelope, ciphertext: flipCharacter(envelope.ciphertext, 10) },
        { ...envelope, nonce: flipCharacter(envelope.nonce, 3) },
        { ...envelope, header: { ...envelope.header, priority: 'stat' } },
        { ...envelope, header: { ...envelope.header, sentAt: envelope.header.sentAt + 1 } },
        {
          ...envelope,
          keys: envelope.keys.map((key, index) =>
            index === 0 ? { ...key, sealedKey: flipCharacter(key.sealedKey, 5) } : key,
          ),
        },
      ];
      for (const changed of tampered)
        expect(await refusedSend(changed)).toEqual({ status: 400, body: { error: 'SIGNATURE_INVALID' } });
      await target.api.ok('send', { envelope }, token(adams));
    });

    it('refuses a signature by another key, a changed one, and a second spelling of it', async () => {
      const envelope = await message();
      const otherKeys = await generateIdentityKeys();
      const signedByOther = await sealEnvelope({
        header: { ...envelope.header, id: randomUUID() },
        body: {
          kind: 'text',
          text: 'forged',
          conversation: { kind: 'direct', title: null, participants: [adams.userId, patel.userId], roleAddress: null },
        },
        recipientKeys: envelope.keys.map((key) => ({ recipient: key.recipient, encryptionKey: key.publicKey })),
        signingKey: otherKeys.signing.privateKey,
      });
      expect(await refusedSend(signedByOther)).toEqual({ status: 400, body: { error: 'SIGNATURE_INVALID' } });
      expect(await refusedSend({ ...envelope, signature: flipCharacter(envelope.signature, 20) })).toEqual({
        status: 400,
        body: { error: 'SIGNATURE_INVALID' },
      });
      // 64 bytes end in a character with four spare bits: setting one gives the same bytes, spelled differently.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const last = envelope.signature.charAt(85);
      const twin = `${envelope.signature.slice(0, 85)}${alphabet.charAt(alphabet.indexOf(last) ^ 1)}==`;
      expect(Buffer.from(twin, 'base64').equals(Buffer.from(envelope.signature, 'base64'))).toBe(true);
      // The protocol schema accepts only the canonical spelling, so this one never reaches the signature check.
      expect(await refusedSend({ ...envelope, signature: twin })).toEqual({
        status: 400,
        body: { error: 'ENVELOPE_INVALID' },
      });
    });

    it('answers a replayed envelope as the duplicate it is, from its sender only', async () => {
      const envelope = await message();
      const first = await target.api.ok('send', { envelope }, token(adams));
      expect(await target.api.ok('send', { envelope }, token(adams))).toEqual({ ...first, duplicate: true });
      expect(await refusedSend(envelope, patel)).toEqual({ status: 403, body: { error: 'SENDER_MISMATCH' } });
    });

    it('refuses an envelope claiming another sender or another device as SENDER_MISMATCH', async () => {
      const envelope = await message();
      expect(await refusedSend(envelope, okafor)).toEqual({ status: 403, body: { error: 'SENDER_MISMATCH' } });
      const otherDevice = {
        ...envelope,
        header: { ...envelope.header, sender: { ...envelope.header.sender, deviceId: randomUUID() } },
      };
      expect(await refusedSend(otherDevice)).toEqual({ status: 403, body: { error: 'SENDER_MISMATCH' } });
    });

    it('refuses unknown, keyless and deactivated recipients as UNKNOWN_RECIPIENT', async () => {
      const stranger = await generateIdentityKeys();
      const seal = async (recipientId: string, encryptionKey: string) => {
        const base = await message();
        return sealEnvelope({
          header: { ...base.header, recipients: [recipientId] },
          body: {
            kind: 'text',
            text: 'hello',
            conversation: { kind: 'direct', title: null, participants: [adams.userId, recipientId], roleAddress: null },
          },
          recipientKeys: [
            { recipient: recipientId, encryptionKey },
            { recipient: adams.userId, encryptionKey: publicKeysOf(adams.identity!).encryption },
          ],
          signingKey: adams.identity!.signing.privateKey,
        });
      };
      const strangerKey = publicKeysOf(stranger).encryption;
      expect(await refusedSend(await seal('nobody.here', strangerKey))).toEqual({
        status: 400,
        body: { error: 'UNKNOWN_RECIPIENT' },
      });
      expect(await refusedSend(await seal(unpublished.userId, strangerKey))).toEqual({
        status: 400,
        body: { error: 'UNKNOWN_RECIPIENT' },
      });

      const leaving = (
        await readyUsers(target, [{ userId: 'dr.leaving', displayName: 'Leaving Soon', role: 'physician' }])
      )[0]!;
      const toLeaving = await sealMessage(target, { from: adams, to: [leaving], text: 'bye' });
      await target.server.admin.deactivate(leaving.userId);
      expect(await refusedSend(toLeaving)).toEqual({ status: 400, body: { error: 'UNKNOWN_RECIPIENT' } });
    });

    it('refuses a key sealed to a recipient’s old key as RECIPIENT_KEY_MISMATCH', async () => {
      const rotating = (
        await readyUsers(target, [{ userId: 'dr.rotating', displayName: 'Key Reset', role: 'physician' }])
      )[0]!;
      const stale = await sealMessage(target, { from: adams, to: [rotating], text: 'sealed before the reset' });
      await publishIdentity(target, rotating);
      expect(await refusedSend(stale)).toEqual({ status: 409, body: { error: 'RECIPIENT_KEY_MISMATCH' } });
      await target.api.ok(
        'send',
        { envelope: await sealMessage(target, { from: adams, to: [rotating], text: 'after the reset' }) },
        token(adams),
      );
    });

    it('refuses a sealed key for a user who is neither recipient nor sender', async () => {
      const envelope = await message();
      const extra = await sealEnvelope({
        header: { ...envelope.header, id: randomUUID() },
        body: {
          kind: 'text',
          text: 'x',
          conversation: { kind: 'direct', title: null, participants: [adams.userId, patel.userId], roleAddress: null },
        },
        recipientKeys: [
          ...envelope.keys.map((key) => ({ recipient: key.recipient, encryptionKey: key.publicKey })),
          { recipient: okafor.userId, encryptionKey: publicKeysOf(okafor.identity!).encryption },
        ],
        signingKey: adams.identity!.signing.privateKey,
      });
      expect(await refusedSend(extra)).toEqual({ status: 400, body: { error: 'ENVELOPE_INVALID' } });
    });

    it('refuses a schema-invalid envelope as ENVELOPE_INVALID and a body that is not a send request as MALFORMED_REQUEST', async () => {
      const envelope = await message();
      expect(await refusedSend({ ...envelope, extra: 1 })).toEqual({
        status: 400,
        body: { error: 'ENVELOPE_INVALID' },
      });
      expect(await refusedSend({ ...envelope, header: { ...envelope.header, recipients: [] } })).toEqual({
        status: 400,
        body: { error: 'ENVELOPE_INVALID' },
      });
      expect(await target.api.refused('send', { message: envelope }, token(adams))).toEqual({
        status: 400,
        body: { error: 'MALFORMED_REQUEST' },
      });
    });

    it('refuses a body over the envelope limit as PAYLOAD_TOO_LARGE before parsing it', async () => {
      const huge = `{"envelope":{"padding":"${'A'.repeat(300 * 1024)}"}}`;
      const response = await target.api.raw('POST', '/v1/messages/send', {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token(adams)}` },
        body: huge,
      });
      expect(response.status).toBe(413);
      expect(errorResponse.parse(JSON.parse(response.text))).toEqual({ error: 'PAYLOAD_TOO_LARGE' });
      // Without a session it is refused the same way: the body is never read.
      const anonymous = await target.api.raw('POST', '/v1/messages/send', {
        headers: { 'content-type': 'application/json' },
        body: huge,
      });
      expect(anonymous.status).toBe(413);
    });

    it('refuses sending for a role without messaging (IT admin) as FORBIDDEN', async () => {
      const admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
      await signIn(target, admin);
      await publishIdentity(target, admin);
      const envelope = await sealMessage(target, { from: admin, to: [patel], text: 'Printer fixed' });
      expect(await target.api.refused('send', { envelope }, token(admin))).toEqual({
        status: 403,
        body: { error: 'FORBIDDEN' },
      });
    });
  });

  describe('HTTP', () => {
    const post = (
      path: string,
      body: string,
      headers: Record<string, string> = { 'content-type': 'application/json' },
    ) => target.api.raw('POST', path, { headers, body });
    const typed = (response: { status: number; text: string }) => ({
      status: response.status,
      body: errorResponse.parse(JSON.parse(response.text)),
    });

    it('turns Fastify’s own refusals into typed bodies: bad JSON, wrong content type, too large, prototype keys', async () => {
      expect(typed(await post('/v1/auth/prelogin', '{"userId":'))).toEqual({
        status: 400,
        body: { error: 'MALFORMED_REQUEST' },
      });
      expect(
        typed(await post('/v1/auth/prelogin', 'userId=x', { 'content-type': 'application/x-www-form-urlencoded' })),
      ).toEqual({
        status: 400,
        body: { error: 'MALFORMED_REQUEST' },
      });
      expect(typed(await post('/v1/auth/prelogin', '{"userId":"x"}', { 'content-type': 'text/plain' }))).toEqual({
        status: 400,
        body: { error: 'MALFORMED_REQUEST' },
      });
      expect(typed(await post('/v1/auth/prelogin', `{"userId":"${'a'.repeat(70 * 1024)}"}`))).toEqual({
        status: 413,
        body: { error: 'PAYLOAD_TOO_LARGE' },
      });
      expect(typed(await post('/v1/auth/prelogin', '{"__proto__":{"admin":true},"userId":"x"}'))).toEqual({
        status: 400,
        body: { error: 'MALFORMED_REQUEST' },
      });
      expect(typed(await post('/v1/auth/prelogin', '[]'))).toEqual({
        status: 400,
        body: { error: 'MALFORMED_REQUEST' },
      });
    });

    it('answers unknown routes and methods with NOT_FOUND, and missing or bad tokens with UNAUTHENTICATED', async () => {
      expect(typed(await target.api.raw('GET', '/v1/nothing-here?q=Grace+Adams'))).toEqual({
        status: 404,
        body: { error: 'NOT_FOUND' },
      });
      expect(typed(await target.api.raw('DELETE', '/v1/health'))).toEqual({
        status: 404,
        body: { error: 'NOT_FOUND' },
      });
      for (const authorization of [
        undefined,
        'Bearer',
        `Bearer ${'A'.repeat(43)}`,
        `Basic ${token(adams)}`,
        `Bearer ${token(adams)}x`,
      ]) {
        const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
        expect(typed(await target.api.raw('GET', '/v1/auth/sessions', { headers }))).toEqual({
          status: 401,
          body: { error: 'UNAUTHENTICATED' },
        });
        expect(await streamRefusal(target.server.url, target.caPem, headers)).toBe(401);
      }
      expect(await target.api.ok('health', {})).toEqual({ status: 'ok', version: 'v1', demo: false });
    });

    it('marks API answers as not cacheable', async () => {
      const response = await target.api.raw('GET', '/v1/auth/sessions', {
        headers: { authorization: `Bearer ${token(adams)}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
    });
  });

  describe('stream frames', () => {
    it('answers malformed, unknown, binary and oversized frames with MALFORMED_FRAME and keeps the connection', async () => {
      const malformed = { type: 'error', code: 'MALFORMED_FRAME' };
      for (const frame of [
        '{not json',
        '{"type":"subscribe","to":"everyone"}',
        '{"type":"resume","after":-1}',
        '{"type":"resume"}',
        '"resume"',
        'A'.repeat(MAX_CLIENT_FRAME_BYTES + 1),
      ]) {
        offenderStream.send(frame);
        expect(await offenderStream.next()).toEqual(malformed);
      }
      offenderStream.send(Buffer.from([1, 2, 3]));
      expect(await offenderStream.next()).toEqual(malformed);
      const padded = JSON.stringify({ type: 'resume', after: 0, pad: 'x'.repeat(MAX_CLIENT_FRAME_BYTES) });
      offenderStream.send(padded);
      expect(await offenderStream.next()).toEqual(malformed);
      expect(offenderStream.socket.readyState).toBe(offenderStream.socket.OPEN);
      await bystanderStream.silentFor(200);
      // Still a working stream: a resume is answered as usual.
      const { cursor } = await target.api.ok('feed', { after: 0, limit: 500 }, token(okafor));
      offenderStream.resume(cursor);
      expect(await offenderStream.next()).toEqual({ type: 'ready', cursor });
    });
  });
});
