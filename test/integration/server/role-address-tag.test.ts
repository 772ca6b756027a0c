/**
 * The role address a signed envelope header names (shared/protocol/envelope.ts `roleAddress`),
 * checked by the relay at `send` on each backend as an authenticated but hostile sender would
 * try it: a message to the address's members, or from one, may name it, and so may a reply in a
 * conversation that named it though its people have since left the role; an address that does
 * not exist, one no member of which takes part, or a second address in a conversation that named
 * another are refused with their typed codes and nothing is stored or delivered; the name is
 * signed, so it cannot be added to a signed envelope. An envelope naming none is taken as
 * before. What is named is kept: a run applies the address's own bound to it and the
 * organisation's to the message beside it that names none.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../server/retention/message-retention';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  createUser,
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
const ONCALL = 'role:oncall-cardiology';
const STROKE = 'role:stroke-team';

describe.each(BACKENDS)('a role address in the signed header on %s', (backend) => {
  let target: TestServer;
  let admin: TestUser;
  let nurse: TestUser;
  let cardiologist: TestUser;
  let outsider: TestUser;
  let neurologist: TestUser;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    [nurse, cardiologist, outsider, neurologist] = (await readyUsers(target, [
      { userId: 'nurse.adams', displayName: 'Grace Adams' },
      { userId: 'dr.okafor', displayName: 'Chidi Okafor', role: 'physician' },
      { userId: 'dr.lee', displayName: 'Min Lee', role: 'physician' },
      { userId: 'dr.silva', displayName: 'Ana Silva', role: 'physician' },
    ])) as [TestUser, TestUser, TestUser, TestUser];
    const address = (addressId: string, members: string[]) => ({
      addressId,
      displayName: addressId,
      department: '',
      description: '',
      members,
    });
    await target.server.admin.createRoleAddress(address(ONCALL, [cardiologist.userId]));
    await target.server.admin.createRoleAddress(address(STROKE, [neurologist.userId]));
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await target.dispose();
  }, HOOK_TIMEOUT_MS);

  const send = async (spec: MessageSpec) => {
    const envelope = await sealMessage(target, spec);
    return (await target.api.ok('send', { envelope }, token(spec.from))).messageId;
  };
  const refused = async (spec: MessageSpec) =>
    target.api.refused('send', { envelope: await sealMessage(target, spec) }, token(spec.from));
  const feedOf = async (user: TestUser) =>
    (await target.api.ok('feed', { after: 0, limit: 500 }, token(user))).events.flatMap((event) =>
      event.type === 'envelope' ? [event.envelope.header.id] : [],
    );

  it('takes a message to the address’s member, and a member’s own, naming it', async () => {
    const conversationId = randomUUID();
    await send({ from: nurse, to: [cardiologist], text: 'Bed 4 chest pain', conversationId, roleAddress: ONCALL });
    await send({ from: cardiologist, to: [nurse], text: 'On my way', conversationId, roleAddress: ONCALL });
    // A member may name it in a conversation of their own too: only their own message is kept so.
    await send({ from: cardiologist, to: [outsider], text: 'Handover at 8', roleAddress: ONCALL });
  });

  it('refuses an address that does not exist, and delivers nothing', async () => {
    const spec = { from: nurse, to: [cardiologist], text: 'Bed 9', roleAddress: 'role:chief-medical-officer' };
    const before = await feedOf(cardiologist);
    expect(await refused(spec)).toEqual({ status: 400, body: { error: 'UNKNOWN_ROLE_ADDRESS' } });
    expect(await feedOf(cardiologist)).toEqual(before);
  });

  it('refuses naming an address on a conversation none of its members takes part in', async () => {
    const before = await feedOf(outsider);
    expect(await refused({ from: nurse, to: [outsider], text: 'Bed 2', roleAddress: ONCALL })).toEqual({
      status: 403,
      body: { error: 'ROLE_ADDRESS_NOT_PERMITTED' },
    });
    expect(await feedOf(outsider)).toEqual(before);
  });

  it('refuses a second address in a conversation that named another', async () => {
    const conversationId = randomUUID();
    await send({ from: nurse, to: [cardiologist], text: 'Bed 6', conversationId, roleAddress: ONCALL });
    const second = { from: nurse, to: [neurologist], text: 'Bed 6 again', conversationId, roleAddress: STROKE };
    expect(await refused(second)).toEqual({ status: 403, body: { error: 'ROLE_ADDRESS_NOT_PERMITTED' } });
    // Naming none in it stays possible (an earlier build's reply).
    await send({ from: nurse, to: [cardiologist], text: 'Bed 6, any news?', conversationId });
  });

  it('takes a reply naming the address after its people left the role, in a conversation that named it', async () => {
    const conversationId = randomUUID();
    await send({ from: nurse, to: [cardiologist], text: 'Bed 8', conversationId, roleAddress: ONCALL });
    await target.server.admin.createRoleAddress({
      addressId: ONCALL,
      displayName: ONCALL,
      department: '',
      description: '',
      members: [],
    });
    try {
      await send({ from: nurse, to: [cardiologist], text: 'Bed 8, still there?', conversationId, roleAddress: ONCALL });
      // Not a new conversation of the same address, though: nobody of it takes part any more.
      expect(await refused({ from: nurse, to: [cardiologist], text: 'Bed 10', roleAddress: ONCALL })).toMatchObject({
        body: { error: 'ROLE_ADDRESS_NOT_PERMITTED' },
      });
    } finally {
      await target.server.admin.createRoleAddress({
        addressId: ONCALL,
        displayName: ONCALL,
        department: '',
        description: '',
        members: [cardiologist.userId],
      });
    }
  });

  it('is signed: added to an envelope signed without it, the envelope is refused', async () => {
    const envelope = await sealMessage(target, { from: nurse, to: [cardiologist], text: 'Bed 3' });
    const tagged = { ...envelope, header: { ...envelope.header, roleAddress: ONCALL } };
    expect(await target.api.refused('send', { envelope: tagged }, token(nurse))).toEqual({
      status: 400,
      body: { error: 'SIGNATURE_INVALID' },
    });
    expect(
      await target.api.refused(
        'send',
        { envelope: { ...tagged, header: { ...tagged.header, roleAddress: 'ONCALL' } } },
        token(nurse),
      ),
    ).toMatchObject({ status: 400 });
  });

  it('keeps what is named for the address’s own bound, and the message beside it for the organisation’s', async () => {
    await signIn(target, admin);
    await target.api.ok('adminSetRoleRetention', { addressId: ONCALL, retentionDays: 30 }, token(admin));
    const conversationId = randomUUID();
    const named = await send({ from: nurse, to: [cardiologist], text: 'Bed 1', conversationId, roleAddress: ONCALL });
    const plain = await send({ from: nurse, to: [cardiologist], text: 'Bed 1 again', conversationId });
    target.clock.advance(31 * DAY_MS);
    for (const user of [admin, nurse, cardiologist]) await signIn(target, user);

    const ran = await target.api.ok('adminRunMessageRetention', {}, token(admin));

    expect(ran).toMatchObject({ days: 2190, roleAddressBounds: 1 });
    const history = await target.api.ok('history', { conversationId, before: null, limit: 50 }, token(cardiologist));
    expect(history.envelopes.map((stored) => stored.envelope.header.id)).toEqual([plain]);
    expect(named).not.toBe(plain);
  });
});
