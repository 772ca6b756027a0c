/**
 * Provisioning from the hospital directory over SCIM 2.0 (server/scim/), driven by a client that
 * does what Entra ID's provisioning does (test/support/scim-client.ts): IT issues a token; the
 * directory creates a person (pending enrollment, no code), finds them by userName, updates their
 * title and department; IT issues the code, they enroll and sign in; the directory deactivates
 * them and their live session ends within seconds, recorded on the server's chain under the
 * token. And as an attacker would try it: no, bad or revoked tokens; it-admin by SCIM; a role
 * changed behind IT's back; twenty creates of one userName at once; prototype keys in a PATCH.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePostgres } from '../../support/postgres';
import {
  ENTERPRISE,
  scimClient,
  userNameOf,
  USER_SCHEMA,
  type DirectoryPerson,
  type ScimClient,
} from '../../support/scim-client';
import {
  authKeyOf,
  BACKENDS,
  clientKeys,
  createUser,
  freshTotpCode,
  HOOK_TIMEOUT_MS,
  loginProof,
  newDevice,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();

const person = (nickname: string, overrides: Partial<DirectoryPerson> = {}): DirectoryPerson => ({
  userPrincipalName: `${nickname}@stmarys.example`,
  objectId: `00000000-0000-4000-8000-${nickname.length.toString().padStart(12, '0')}`,
  givenName: 'Amara',
  surname: 'Okonkwo',
  jobTitle: 'Staff Nurse',
  department: 'Ward 7 Oncology',
  appRole: 'nurse',
  mail: `${nickname}@stmarys.example`,
  ...overrides,
});

describe.each(BACKENDS)('SCIM provisioning on %s', (backend) => {
  let target: TestServer;
  let admin: TestUser;
  let scim: ScimClient;
  let tokenId: string;
  let scimToken: string;

  const reauthenticate = async () =>
    target.api.ok(
      'reauthenticate',
      { authKey: await authKeyOf(target.api, admin), code: freshTotpCode(target, admin) },
      token(admin),
    );

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    await signIn(target, admin);
    const issued = await target.api.ok('adminIssueScimToken', { label: 'Entra ID (production)' }, token(admin));
    tokenId = issued.tokenId;
    scimToken = issued.token;
    scim = scimClient(target.server.url, target.caPem, scimToken);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    scim.close();
    await target.dispose();
  }, HOOK_TIMEOUT_MS);

  const listed = async (userId: string) =>
    (await target.api.ok('adminSearchAccounts', { query: userId, after: null, limit: 5 }, token(admin))).accounts.find(
      (account) => account.userId === userId,
    );

  /** The person's first sign-in with the code IT gave them: their own password, a new authenticator. */
  async function enroll(userId: string, code: string): Promise<TestUser> {
    const device = await newDevice();
    const password = `chosen-${userId}`;
    const { salt, kdf } = await target.api.ok('prelogin', { userId });
    const answer = await target.api.ok('enroll', {
      userId,
      enrollmentCode: code,
      authKey: Buffer.from((await clientKeys(password, salt, kdf)).authKey).toString('base64'),
      device: { publicKey: device.publicKey, name: device.name },
      proof: await loginProof(device, userId, target.clock.now()),
    });
    if (answer.step !== 'enroll-mfa') throw new Error(`expected to enroll an authenticator, got ${answer.step}`);
    const user: TestUser = {
      userId,
      displayName: 'Amara Okonkwo',
      password,
      totpSecret: OTPAuth.URI.parse(answer.otpauthUri).secret.base32,
      device,
      session: null,
      identity: null,
      lastStep: 0,
    };
    user.session = (
      await target.api.ok('verifyMfa', { challengeId: answer.challengeId, code: freshTotpCode(target, user) })
    ).session;
    return user;
  }

  describe('the token', () => {
    it('is shown once; IT lists it by label without the secret; it opens /scim/v2 and nothing opens it without', async () => {
      expect(scimToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const { tokens } = await target.api.ok('adminListScimTokens', {}, token(admin));
      expect(tokens).toEqual([
        expect.objectContaining({ tokenId, label: 'Entra ID (production)', issuedBy: 'it.schmidt', revokedAt: null }),
      ]);
      expect(JSON.stringify(tokens)).not.toContain(scimToken);
      expect((await scim.request('GET', '/scim/v2/ServiceProviderConfig')).body).toMatchObject({
        patch: { supported: true },
        filter: { supported: true, maxResults: 100 },
        bulk: { supported: false },
      });
      const resourceTypes = await scim.request('GET', '/scim/v2/ResourceTypes');
      expect(resourceTypes.body).toMatchObject({
        Resources: [{ id: 'User', endpoint: '/Users', schema: USER_SCHEMA }],
      });
      const schemas = await scim.request('GET', '/scim/v2/Schemas');
      expect((schemas.body?.Resources as { id: string }[]).map((schema) => schema.id)).toEqual([
        USER_SCHEMA,
        ENTERPRISE,
      ]);

      // No token, an unknown one, the right one in the wrong scheme, a session's token.
      for (const authorization of ['', `Bearer ${'A'.repeat(43)}`, `Basic ${scimToken}`, `Bearer ${token(admin)}`]) {
        const refused = await scim.request('GET', '/scim/v2/Users', undefined, { authorization });
        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
        expect(Object.keys(refused.body ?? {}).sort()).toEqual(['detail', 'schemas', 'status']);
        expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
      }
    });

    it('refuses a bad token before reading the body: 401 for a body too large or not JSON at all', async () => {
      const headers = { authorization: '' };
      const huge = await scim.request('POST', '/scim/v2/Users', 'x'.repeat(200 * 1024), headers);
      expect(huge.status).toBe(401);
      const garbage = await scim.request('PATCH', '/scim/v2/Users/anyone', '{not json', headers);
      expect(garbage.status).toBe(401);
      // With the token, the same requests are refused for what they are.
      expect((await scim.request('POST', '/scim/v2/Users', 'x'.repeat(200 * 1024))).status).toBe(413);
      expect((await scim.request('PATCH', '/scim/v2/Users/anyone', '{not json')).body).toMatchObject({
        status: '400',
        scimType: 'invalidSyntax',
      });
      // Plain JSON is read as SCIM's; anything else is not.
      const plain = await scim.request('PATCH', '/scim/v2/Users/nobody.here', '{}', {
        'content-type': 'application/json; charset=utf-8',
      });
      expect(plain.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
      const text = await scim.request('PATCH', '/scim/v2/Users/nobody.here', '{}', { 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
    });
  });

  describe('a person, end to end', () => {
    const amara = person('Amara.Okonkwo');
    const userId = userNameOf(amara);
    let created: Record<string, unknown>;

    it('is created by the directory pending enrollment, with no code, and cannot sign in', async () => {
      expect(await scim.findByUserName(userId)).toBeNull();
      const answer = await scim.create(amara);
      expect(answer.status).toBe(201);
      created = answer.body ?? {};
      expect(created).toMatchObject({
        schemas: [USER_SCHEMA, ENTERPRISE],
        id: 'amara.okonkwo',
        userName: 'amara.okonkwo',
        externalId: amara.objectId,
        displayName: 'Amara Okonkwo',
        title: 'Staff Nurse',
        active: true,
        roles: [{ value: 'nurse', primary: true }],
        [ENTERPRISE]: { department: 'Ward 7 Oncology' },
        meta: {
          resourceType: 'User',
          location: `${target.server.url}/scim/v2/Users/amara.okonkwo`,
        },
      });
      expect(answer.headers.location).toBe(`${target.server.url}/scim/v2/Users/amara.okonkwo`);
      const meta = created.meta as { created: string; lastModified: string };
      expect(Date.parse(meta.created)).toBeGreaterThan(0);
      expect(meta.lastModified).toBe(meta.created);
      expect(await listed(userId)).toMatchObject({
        role: 'nurse',
        active: true,
        enrollment: 'pending',
        enrollmentExpiresAt: null,
        mfaEnrolled: false,
      });
      const device = await newDevice();
      const login = await target.api.refused('login', {
        userId,
        authKey: Buffer.alloc(32, 1).toString('base64'),
        device: { publicKey: device.publicKey, name: device.name },
        proof: await loginProof(device, userId, target.clock.now()),
      });
      expect(login.body.error).toBe('INVALID_CREDENTIALS');
    });

    it('is found by userName in any case, by id, and a second create of them is a uniqueness conflict', async () => {
      expect(await scim.findByUserName('AMARA.OKONKWO')).toMatchObject({ id: userId });
      expect((await scim.request('GET', `/scim/v2/Users/${userId}`)).body).toMatchObject({ id: userId, active: true });
      expect((await scim.request('GET', '/scim/v2/Users/nobody.here')).status).toBe(404);
      const again = await scim.create(amara);
      expect(again).toMatchObject({ status: 409, body: { status: '409', scimType: 'uniqueness' } });
    });

    it("has their title and department updated with Entra's PATCH", async () => {
      target.clock.advance(1000);
      const updated = await scim.update(userId, { jobTitle: 'Senior Staff Nurse', department: 'Ward 9 Haematology' });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        title: 'Senior Staff Nurse',
        [ENTERPRISE]: { department: 'Ward 9 Haematology' },
      });
      const meta = updated.body?.meta as { created: string; lastModified: string };
      expect(Date.parse(meta.lastModified)).toBeGreaterThan(Date.parse(meta.created));
      expect(await listed(userId)).toMatchObject({ title: 'Senior Staff Nurse', department: 'Ward 9 Haematology' });
      const directory = await target.api.ok('searchDirectory', { query: 'okonkwo', limit: 5 }, token(admin));
      expect(directory.entries).toEqual([
        expect.objectContaining({ userId, title: 'Senior Staff Nurse', department: 'Ward 9 Haematology' }),
      ]);
    });

    it('enrolls with the code IT issues, and a SCIM deactivation ends their live session within seconds', async () => {
      const { enrollment } = await target.api.ok('adminIssueEnrollment', { userId }, token(admin));
      const nurse = await enroll(userId, enrollment.code);
      await target.api.ok('listSessions', {}, token(nurse));
      const stream = await target.stream(token(nurse));
      stream.resume(0);
      await stream.untilReady();

      const asked = Date.now();
      const deactivated = await scim.deactivate(userId);
      expect(deactivated).toMatchObject({ status: 200, body: { id: userId, active: false } });
      expect(await stream.next(3000)).toEqual({ type: 'session-ended', reason: 'deactivated' });
      expect(Date.now() - asked).toBeLessThan(3000);
      expect(await target.api.refused('listSessions', {}, token(nurse))).toEqual({
        status: 401,
        body: { error: 'UNAUTHENTICATED' },
      });
      expect(await listed(userId)).toMatchObject({ active: false, liveSessions: 0 });

      // Recorded under the token, in the account outbox and on the signed chain.
      const actor = `scim-${tokenId}`;
      expect((await target.server.admin.accountEvents(userId)).map((event) => [event.action, event.actor])).toEqual([
        ['account.deactivated', actor],
      ]);
      await target.server.foldServerTrail();
      const records = (await target.server.admin.auditRecords({ action: 'admin.action', limit: 100_000 }))
        .map((entry) => entry.record)
        .filter((record) => record.object.kind === 'account' && record.object.id === userId);
      expect(records.map((record) => [record.actor.userId, record.actor.role, record.reason])).toEqual([
        [actor, null, 'ACCOUNT_CREATED'],
        [actor, null, 'ACCOUNT_UPDATED'],
        ['it.schmidt', 'it-admin', 'ENROLLMENT_CODE_ISSUED'],
        [userId, 'nurse', 'ACCOUNT_ENROLLED'],
        [actor, null, 'ACCOUNT_DEACTIVATED'],
      ]);
    });

    it('is reactivated by the directory that deactivated them, and deactivated again by DELETE', async () => {
      const back = await scim.reactivate(userId);
      expect(back).toMatchObject({ status: 200, body: { active: true } });
      const deleted = await scim.request('DELETE', `/scim/v2/Users/${userId}`);
      expect(deleted).toMatchObject({ status: 204, body: null });
      // Never deleted: the trail names people by id.
      expect((await scim.request('GET', `/scim/v2/Users/${userId}`)).body).toMatchObject({ id: userId, active: false });
      expect((await scim.request('DELETE', `/scim/v2/Users/${userId}`)).status).toBe(204);
      expect((await target.server.admin.accountEvents(userId)).map((event) => event.action)).toEqual([
        'account.deactivated',
        'account.reactivated',
        'account.deactivated',
      ]);
    });

    it('is not reactivated by the directory after IT deactivated them from the console', async () => {
      const kofi = userNameOf(person('kofi.mensah'));
      expect((await scim.create(person('kofi.mensah'))).status).toBe(201);
      await reauthenticate();
      await target.api.ok('adminDeactivate', { userId: kofi }, token(admin));
      const refused = await scim.reactivate(kofi);
      expect(refused).toMatchObject({ status: 403, body: { status: '403' } });
      // Nor does anything else in the same PATCH happen.
      const mixed = await scim.request('PATCH', `/scim/v2/Users/${kofi}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'Replace', path: 'title', value: 'Charge Nurse' },
          { op: 'Replace', path: 'active', value: 'True' },
        ],
      });
      expect(mixed.status).toBe(403);
      expect(await listed(kofi)).toMatchObject({ active: false, title: 'Staff Nurse' });
    });
  });

  describe('what SCIM may not do', () => {
    it('never grants it-admin, and never changes an IT admin', async () => {
      const made = await scim.create(person('mallory.admin', { appRole: 'it-admin' }));
      expect(made).toMatchObject({ status: 403, body: { status: '403' } });
      expect(await listed('mallory.admin')).toBeUndefined();
      const mixed = await scim.request('POST', '/scim/v2/Users', {
        schemas: [USER_SCHEMA],
        userName: 'mallory.two',
        displayName: 'Mallory',
        roles: [{ value: 'nurse', primary: true }, { value: 'IT-Admin' }],
      });
      expect(mixed.status).toBe(403);
      for (const attempt of [
        () => scim.deactivate('it.schmidt'),
        () => scim.update('it.schmidt', { jobTitle: 'Nobody' }),
        () => scim.request('DELETE', '/scim/v2/Users/it.schmidt'),
      ])
        expect((await attempt()).status).toBe(403);
      expect(await listed('it.schmidt')).toMatchObject({ active: true, role: 'it-admin' });
      await target.api.ok('listSessions', {}, token(admin));
      // Nor makes anyone an admin later.
      const promote = await scim.request('PATCH', `/scim/v2/Users/kofi.mensah`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Add', path: 'roles', value: [{ value: 'it-admin' }] }],
      });
      expect(promote.status).toBe(403);
    });

    it('refuses a role change, a renamed userName, ids Wardline cannot use, missing roles and passwords', async () => {
      const leila = person('leila.haddad', { appRole: 'Physician' });
      expect((await scim.create(leila)).body).toMatchObject({ roles: [{ value: 'physician', primary: true }] });
      const patch = (Operations: unknown[]) =>
        scim.request('PATCH', '/scim/v2/Users/leila.haddad', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations,
        });
      expect((await patch([{ op: 'Replace', path: 'roles', value: [{ value: 'nurse' }] }])).body).toMatchObject({
        status: '400',
        scimType: 'mutability',
      });
      expect((await patch([{ op: 'Replace', path: 'userName', value: 'leila.h' }])).body).toMatchObject({
        scimType: 'mutability',
      });
      expect(await listed('leila.haddad')).toMatchObject({ role: 'physician' });

      const refusals: [DirectoryPerson | Record<string, unknown>, string][] = [
        [person('x', { userPrincipalName: 'name with spaces@stmarys.example' }), 'invalidValue'],
        [person('surgeon.z', { appRole: 'surgeon' }), 'invalidValue'],
        [{ schemas: [USER_SCHEMA], userName: 'no.role', displayName: 'No Role', roles: [] }, 'invalidValue'],
        [{ schemas: [USER_SCHEMA], userName: 'no.name', roles: [{ value: 'nurse' }] }, 'invalidValue'],
        [
          {
            schemas: [USER_SCHEMA],
            userName: 'pw.user',
            displayName: 'P',
            password: 'Secret1!',
            roles: [{ value: 'nurse' }],
          },
          'invalidValue',
        ],
        [
          { schemas: [USER_SCHEMA], userName: `scim-${tokenId}`, displayName: 'Me', roles: [{ value: 'nurse' }] },
          'invalidValue',
        ],
        [
          { schemas: [USER_SCHEMA], userName: 'odd.one', displayName: 'O', roles: [{ value: 'nurse' }], shoeSize: 44 },
          'invalidSyntax',
        ],
      ];
      for (const [body, scimType] of refusals) {
        const answer =
          'userPrincipalName' in body
            ? await scim.create(body as DirectoryPerson)
            : await scim.request('POST', '/scim/v2/Users', body);
        expect(answer.body, JSON.stringify(body)).toMatchObject({ status: '400', scimType });
      }
      // A name in a refusal's detail would reach the directory's logs; none is there.
      const detail = await scim.request('POST', '/scim/v2/Users', {
        schemas: [USER_SCHEMA],
        userName: 'Zanele Dlamini',
        displayName: 'Zanele Dlamini',
        roles: [{ value: 'nurse' }],
      });
      expect(JSON.stringify(detail.body)).not.toContain('Zanele');
    });

    it('creates a person the directory has disabled as deactivated', async () => {
      const answer = await scim.request('POST', '/scim/v2/Users', {
        schemas: [USER_SCHEMA],
        userName: 'disabled.one',
        displayName: 'Disabled One',
        active: false,
        roles: [{ value: 'front-desk' }],
      });
      expect(answer).toMatchObject({ status: 201, body: { active: false, roles: [{ value: 'front-desk' }] } });
      expect(await listed('disabled.one')).toMatchObject({ active: false, role: 'front-desk' });
      expect((await target.server.admin.accountEvents('disabled.one')).map((event) => event.actor)).toEqual([
        `scim-${tokenId}`,
      ]);
    });

    it('answers only userName eq filters, and pages the rest', async () => {
      for (const filter of [
        'displayName eq "Amara Okonkwo"',
        'userName co "a"',
        'userName eq "a" or userName eq "b"',
        '(((',
      ])
        expect(
          (await scim.request('GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}`)).body,
          filter,
        ).toMatchObject({ status: '400', scimType: 'invalidFilter' });
      const first = await scim.request('GET', '/scim/v2/Users?startIndex=1&count=2');
      expect(first.body).toMatchObject({ startIndex: 1, itemsPerPage: 2 });
      const total = first.body?.totalResults as number;
      const all = await scim.request('GET', `/scim/v2/Users?startIndex=1&count=1000`);
      expect(all.body).toMatchObject({ totalResults: total, itemsPerPage: Math.min(total, 100) });
      const ids = (all.body?.Resources as { id: string }[]).map((user) => user.id);
      expect(ids).toEqual([...ids].sort());
      const second = await scim.request('GET', '/scim/v2/Users?startIndex=3&count=2');
      expect((second.body?.Resources as { id: string }[]).map((user) => user.id)).toEqual(ids.slice(2, 4));
    });

    it('lets exactly one of twenty creates of one userName at once succeed; the rest are uniqueness conflicts', async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          scim.create(person('twin.okeke', { jobTitle: `Nurse ${String(index)}` })),
        ),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([201, ...Array<number>(19).fill(409)]);
      for (const answer of answers.filter((one) => one.status === 409))
        expect(answer.body).toMatchObject({ scimType: 'uniqueness' });
      const created = (await target.server.admin.adminEvents()).filter(
        (event) => event.action === 'account.created' && event.targetUserId === 'twin.okeke',
      );
      expect(created).toHaveLength(1);
    });

    it('refuses a PATCH path that would reach an object prototype, and pollutes nothing', async () => {
      const patch = (Operations: unknown[]) =>
        scim.request('PATCH', '/scim/v2/Users/leila.haddad', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations,
        });
      for (const operations of [
        [{ op: 'replace', path: 'constructor.prototype.polluted', value: 'yes' }],
        [{ op: 'replace', value: { 'constructor.prototype.polluted': 'yes' } }],
        [{ op: 'add', path: 'name.constructor', value: { prototype: { polluted: 'yes' } } }],
        [{ op: 'replace', path: 'toString', value: 'yes' }],
      ]) {
        const answer = await patch(operations);
        expect(answer.status, JSON.stringify(operations)).toBe(400);
      }
      // A `__proto__` key is refused by the JSON parser itself.
      const proto = await scim.request(
        'PATCH',
        '/scim/v2/Users/leila.haddad',
        '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":"yes"}}}]}',
      );
      expect(proto.status).toBe(400);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await listed('leila.haddad')).toMatchObject({ active: true, title: 'Staff Nurse' });
    });
  });

  describe('revoking the token', () => {
    it('needs a fresh re-authentication, stops the token at once, and is recorded naming the admin', async () => {
      target.clock.advance(5 * 60 * 1000 + 1000);
      await signIn(target, admin);
      target.clock.advance(5 * 60 * 1000 + 1000);
      const stale = await target.api.refused('adminRevokeScimToken', { tokenId }, token(admin));
      expect(stale.body.error).toBe('REAUTHENTICATION_REQUIRED');
      expect((await scim.request('GET', '/scim/v2/Users?count=1')).status).toBe(200);
      await reauthenticate();
      const { revokedAt } = await target.api.ok('adminRevokeScimToken', { tokenId }, token(admin));
      const refused = await scim.request(
        'GET',
        `/scim/v2/Users?filter=${encodeURIComponent('userName eq "leila.haddad"')}`,
      );
      expect(refused.status).toBe(401);
      expect((await scim.create(person('after.revoke'))).status).toBe(401);
      expect(await listed('after.revoke')).toBeUndefined();
      // Revoking again is no new revocation.
      expect(await target.api.ok('adminRevokeScimToken', { tokenId }, token(admin))).toEqual({ revokedAt });
      const unknown = await target.api.refused(
        'adminRevokeScimToken',
        { tokenId: '00000000-0000-4000-8000-000000000000' },
        token(admin),
      );
      expect(unknown.status).toBe(404);
      const { tokens } = await target.api.ok('adminListScimTokens', {}, token(admin));
      expect(tokens).toEqual([expect.objectContaining({ tokenId, revokedAt, revokedBy: 'it.schmidt' })]);
      expect(tokens[0]?.lastUsedAt).not.toBeNull();
      const events = (await target.server.admin.adminEvents()).filter((event) => event.subject === tokenId);
      expect(events.map((event) => [event.action, event.actor])).toEqual([
        ['scim-token.issued', 'it.schmidt'],
        ['scim-token.revoked', 'it.schmidt'],
      ]);
    });

    it('left no token, name or directory id in the log', () => {
      const log = target.log.text();
      for (const secret of [
        scimToken,
        'Okonkwo',
        'Haddad',
        'Ward 9 Haematology',
        person('Amara.Okonkwo').objectId,
        'Zanele',
      ])
        expect(log).not.toContain(secret);
      expect(log).toContain(`scim-${tokenId}`);
    });
  });
});
