/**
 * Availability on the server (issue 18): a person sets only their own; it shows in the directory
 * until its time, by the server's clock, and then reads as Available with nothing swept; a cover
 * must be someone else, active, who receives messages, and a cover deactivated later is no longer
 * shown; concurrent sets leave one row that is one of the requests whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVAILABILITY_MAX_AHEAD_MS } from '../../../shared/protocol/availability';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  createUser,
  HOOK_TIMEOUT_MS,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const HOUR = 60 * 60 * 1000;

describe.each(BACKENDS)('availability on %s', (backend) => {
  let target: TestServer;
  let patel: TestUser;
  let nguyen: TestUser;
  let adams: TestUser;
  let chen: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    [patel, nguyen, adams, chen, admin] = await Promise.all([
      createUser(target, { userId: 'dr.patel', displayName: 'Dr. Anika Patel', role: 'physician' }),
      createUser(target, { userId: 'dr.nguyen', displayName: 'Dr. Minh Nguyen', role: 'physician' }),
      createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' }),
      createUser(target, { userId: 'compliance.chen', displayName: 'Li Chen', role: 'compliance-officer' }),
      createUser(target, { userId: 'it.admin', displayName: 'IT Admin', role: 'it-admin' }),
    ]);
    for (const user of [patel, nguyen, adams, chen, admin]) await signIn(target, user);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const set = (user: TestUser, availability: unknown) =>
    target.api.ok('setAvailability', { availability } as never, token(user));
  const refused = (user: TestUser | null, availability: unknown) =>
    target.api.refused('setAvailability', { availability }, user === null ? undefined : token(user));
  const shown = async (userId: string, by: TestUser = adams) => {
    const { users } = await target.api.ok('lookupKeys', { userIds: [userId] }, token(by));
    return users[0]?.user.availability;
  };

  it('shows a state until its time by the server clock, then Available, with nothing swept', async () => {
    // A minute, so that moving the clock past it leaves the sessions live.
    const until = target.clock.now() + 60_000;
    expect(await set(patel, { state: 'busy', until })).toEqual({
      availability: { state: 'busy', until, cover: null },
    });
    expect(await shown('dr.patel')).toEqual({ state: 'busy', until, cover: null });
    const [found] = (await target.api.ok('searchDirectory', { query: 'anika', limit: 5 }, token(adams))).entries;
    expect(found).toMatchObject({ userId: 'dr.patel', availability: { state: 'busy', until } });

    target.clock.advance(60_001);
    expect(await shown('dr.patel')).toBeNull();
    expect(await set(patel, { state: 'dnd', until: target.clock.now() + HOUR })).toMatchObject({
      availability: { state: 'dnd' },
    });
    expect(await set(patel, { state: 'available' })).toEqual({ availability: null });
    expect(await shown('dr.patel')).toBeNull();
  });

  it('refuses a time in the past, now, or more than two weeks ahead, and a state without one', async () => {
    const now = target.clock.now();
    for (const until of [now - 1, now - HOUR, now + AVAILABILITY_MAX_AHEAD_MS + 60_000])
      expect(await refused(patel, { state: 'dnd', until })).toEqual({
        status: 400,
        body: { error: 'MALFORMED_REQUEST' },
      });
    expect((await refused(patel, { state: 'busy' })).status).toBe(400);
    expect((await refused(patel, { state: 'elsewhere', until: now + HOUR })).status).toBe(400);
    expect((await refused(patel, { state: 'available', until: now + HOUR })).status).toBe(400);
    // No free text rides along.
    expect((await refused(patel, { state: 'busy', until: now + HOUR, note: 'in theatre 3' })).status).toBe(400);
    expect(await shown('dr.patel')).toBeNull();
  });

  it('takes a cover only when off duty, and only someone else, active, who receives messages', async () => {
    const until = target.clock.now() + 8 * HOUR;
    expect((await refused(patel, { state: 'busy', until, coverUserId: 'dr.nguyen' })).status).toBe(400);
    expect(await refused(patel, { state: 'off-duty', until, coverUserId: 'dr.patel' })).toEqual({
      status: 400,
      body: { error: 'MALFORMED_REQUEST' },
    });
    expect(await refused(patel, { state: 'off-duty', until, coverUserId: 'dr.nobody' })).toEqual({
      status: 400,
      body: { error: 'UNKNOWN_RECIPIENT', subjects: ['dr.nobody'] },
    });
    expect(await refused(patel, { state: 'off-duty', until, coverUserId: 'compliance.chen' })).toEqual({
      status: 403,
      body: { error: 'RECIPIENT_NOT_PERMITTED', subjects: ['compliance.chen'] },
    });
    expect(await shown('dr.patel')).toBeNull();

    expect(await set(patel, { state: 'off-duty', until, coverUserId: 'dr.nguyen' })).toEqual({
      availability: { state: 'off-duty', until, cover: { userId: 'dr.nguyen', displayName: 'Dr. Minh Nguyen' } },
    });
    expect(await set(patel, { state: 'off-duty', until })).toEqual({
      availability: { state: 'off-duty', until, cover: null },
    });
  });

  it('refuses a deactivated cover, and stops showing a cover deactivated afterwards', async () => {
    const until = target.clock.now() + 8 * HOUR;
    const temp = await createUser(target, { userId: 'dr.temp', displayName: 'Dr. Locum', role: 'physician' });
    expect(await set(patel, { state: 'off-duty', until, coverUserId: temp.userId })).toMatchObject({
      availability: { cover: { userId: 'dr.temp' } },
    });
    await target.server.admin.deactivate(temp.userId);
    expect(await shown('dr.patel')).toEqual({ state: 'off-duty', until, cover: null });
    expect(await refused(patel, { state: 'off-duty', until, coverUserId: temp.userId })).toEqual({
      status: 400,
      body: { error: 'UNKNOWN_RECIPIENT', subjects: ['dr.temp'] },
    });
  });

  it("cannot set someone else's: the route names nobody, and roles outside messaging are refused", async () => {
    await set(nguyen, { state: 'available' });
    const until = target.clock.now() + HOUR;
    expect(
      (
        await target.api.refused(
          'setAvailability',
          { availability: { state: 'dnd', until }, userId: 'dr.nguyen' },
          token(adams),
        )
      ).status,
    ).toBe(400);
    expect((await refused(adams, { state: 'dnd', until, userId: 'dr.nguyen' })).status).toBe(400);
    expect(await refused(null, { state: 'dnd', until })).toEqual({ status: 401, body: { error: 'UNAUTHENTICATED' } });
    expect(await refused(admin, { state: 'dnd', until })).toEqual({ status: 403, body: { error: 'FORBIDDEN' } });
    expect(await refused(chen, { state: 'dnd', until })).toEqual({ status: 403, body: { error: 'FORBIDDEN' } });
    await set(adams, { state: 'dnd', until });
    expect(await shown('dr.nguyen')).toBeNull();
    expect(await shown('nurse.adams', nguyen)).toEqual({ state: 'dnd', until, cover: null });
  });

  it('twenty concurrent sets leave one row, exactly one of the requests', async () => {
    const base = target.clock.now() + HOUR;
    const requests = Array.from({ length: 20 }, (_, index) =>
      index % 3 === 0
        ? { state: 'off-duty', until: base + index, coverUserId: 'dr.patel' }
        : { state: index % 3 === 1 ? 'busy' : 'dnd', until: base + index },
    );
    await Promise.all(requests.map((request) => set(nguyen, request)));
    const final = await shown('dr.nguyen');
    const matching = requests.filter(
      (request) =>
        request.state === final?.state &&
        request.until === final.until &&
        (request.coverUserId ?? null) === (final.cover?.userId ?? null),
    );
    expect(matching).toHaveLength(1);
    if (backend === 'postgres' && target.databaseUrl !== undefined) {
      const rows = await postgres().execute(
        target.databaseUrl,
        `SELECT state, until_at::text AS until FROM availability WHERE user_id = 'dr.nguyen'`,
      );
      expect(rows).toEqual([{ state: final?.state, until: String(final?.until) }]);
    }
  });
});
