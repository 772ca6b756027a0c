/**
 * On-call schedules through the admin API (shared/protocol/admin-schedule-api.ts), as an
 * attacker would try them: every route refuses every other role and a missing session; a shift
 * names members only; an import shows before it changes, changes nothing if any entry has a
 * problem, replaces the imported span in one go, never echoes the file into the log, and twenty
 * imports of one address at once leave exactly one import's shifts. Each change reaches the
 * server's chain naming the IT admin and the address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminScheduleRoutes,
  SCHEDULE_FILE_MAX_CHARS,
  type RoleShift,
} from '../../../shared/protocol/admin-schedule-api';
import type { RouteName, RouteRequest, RouteResponse } from '../../../shared/protocol/api';
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

type ScheduleRoute = keyof typeof adminScheduleRoutes & RouteName;
const SCHEDULE_ROUTES = Object.keys(adminScheduleRoutes) as ScheduleRoute[];
const ADDRESS = 'role:oncall-cardiology';
const SHIFT = '6f1c1f7e-3b1d-4c55-9d1a-2f0b8e6c9a10';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Text only the rota file carries: it must reach no log. */
const MARKER = 'Bleep-7731-Ward-Quokka';

const iso = (ms: number) => new Date(ms).toISOString();
const icsTime = (ms: number) =>
  iso(ms)
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

function bodyOf(name: ScheduleRoute, now: number): unknown {
  switch (name) {
    case 'adminListShifts':
      return { addressId: ADDRESS, from: now, to: now + DAY, after: null, limit: 10 };
    case 'adminAddShift':
      return { addressId: ADDRESS, userId: 'dr.patel', backupUserId: null, startsAt: now, endsAt: now + HOUR };
    case 'adminUpdateShift':
      return {
        addressId: ADDRESS,
        shiftId: SHIFT,
        userId: 'dr.patel',
        backupUserId: null,
        startsAt: now,
        endsAt: now + HOUR,
      };
    case 'adminDeleteShift':
      return { addressId: ADDRESS, shiftId: SHIFT };
    case 'adminImportShifts':
      return { addressId: ADDRESS, format: 'csv', text: 'start,end,person\n', dryRun: true };
  }
}

/** A rota of `days` day shifts from `start`, Patel and Nguyen alternating, each backing the other up. */
function rota(start: number, days: number): string {
  const events: string[] = [];
  for (let day = 0; day < days; day += 1) {
    const [person, backup] = day % 2 === 0 ? ['Anika Patel', 'dr.nguyen'] : ['Minh Nguyen', 'dr.patel'];
    events.push(
      'BEGIN:VEVENT',
      `UID:day-${String(day)}@rota.example`,
      'DTSTAMP:20261101T000000Z',
      `DTSTART:${icsTime(start + day * DAY)}`,
      `DTEND:${icsTime(start + day * DAY + 12 * HOUR)}`,
      `SUMMARY:Cardiology on call (${MARKER})`,
      `ATTENDEE;CN=${person};ROLE=REQ-PARTICIPANT:mailto:${MARKER}@hospital.example`,
      `ATTENDEE;CN=${backup};ROLE=OPT-PARTICIPANT:mailto:backup@hospital.example`,
      'END:VEVENT',
    );
  }
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Rota//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
}

describe.each(BACKENDS)('on-call schedules through the admin API on %s', (backend) => {
  let target: TestServer;
  let admin: TestUser;
  let others: TestUser[];
  let now: number;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    others = [
      await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' }),
      await createUser(target, { userId: 'dr.nguyen', displayName: 'Minh Nguyen', role: 'physician' }),
      await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' }),
      await createUser(target, { userId: 'compliance.reed', displayName: 'Ada Reed', role: 'compliance-officer' }),
    ];
    for (const user of [admin, ...others]) await signIn(target, user);
    await target.server.admin.createRoleAddress({
      addressId: ADDRESS,
      displayName: 'On-call cardiology',
      department: 'Cardiology',
      description: '',
      members: ['dr.patel', 'dr.nguyen'],
    });
    // iCalendar times are whole seconds.
    now = Math.floor(target.clock.now() / 1000) * 1000;
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const call = <R extends ScheduleRoute>(name: R, body: RouteRequest<R>) => target.api.ok(name, body, token(admin));
  const refused = (name: ScheduleRoute, body: unknown) => target.api.refused(name, body, token(admin));
  const everything = async (): Promise<RoleShift[]> => {
    const shifts: RoleShift[] = [];
    for (let from = now - 40 * DAY; from < now + 420 * DAY; from += 60 * DAY) {
      let after: { startsAt: number; shiftId: string } | null = null;
      for (;;) {
        const page: RouteResponse<'adminListShifts'> = await call('adminListShifts', {
          addressId: ADDRESS,
          from,
          to: from + 60 * DAY,
          after,
          limit: 100,
        });
        // A shift overlapping two windows is listed in both: keep it once.
        for (const shift of page.shifts) if (!shifts.some((seen) => seen.shiftId === shift.shiftId)) shifts.push(shift);
        const last = page.shifts.at(-1);
        if (!page.more || last === undefined) break;
        after = { startsAt: last.startsAt, shiftId: last.shiftId };
      }
    }
    return shifts;
  };
  async function chainRecordsOf(work: () => Promise<unknown>) {
    const records = async () => {
      await target.server.foldServerTrail();
      return target.server.admin.auditRecords({ action: 'admin.action', limit: 100_000 });
    };
    const before = (await records()).length;
    await work();
    return (await records()).slice(before).map(({ record }) => ({ object: record.object, reason: record.reason }));
  }

  it('refuses every schedule route without a session, and to every role but IT', async () => {
    for (const name of SCHEDULE_ROUTES) {
      expect(await target.api.refused(name, bodyOf(name, now)), name).toMatchObject({ status: 401 });
      for (const user of others)
        expect(await target.api.refused(name, bodyOf(name, now), token(user)), `${user.userId} ${name}`).toMatchObject({
          status: 403,
          body: { error: 'FORBIDDEN' },
        });
    }
    expect(await everything()).toEqual([]);
  });

  it('adds, changes and deletes a shift of members only, and records each by the admin', async () => {
    const shift = {
      addressId: ADDRESS,
      userId: 'dr.patel',
      backupUserId: 'dr.nguyen',
      startsAt: now,
      endsAt: now + 12 * HOUR,
    };
    expect(await refused('adminAddShift', { ...shift, userId: 'nurse.adams' })).toMatchObject({
      status: 400,
      body: { error: 'UNKNOWN_RECIPIENT', subjects: ['nurse.adams'] },
    });
    for (const bad of [
      { ...shift, backupUserId: 'dr.patel' },
      { ...shift, endsAt: shift.startsAt },
      { ...shift, endsAt: shift.startsAt + 7 * DAY + 1 },
    ])
      expect(await refused('adminAddShift', bad)).toMatchObject({ status: 400, body: { error: 'MALFORMED_REQUEST' } });
    expect(await refused('adminAddShift', { ...shift, addressId: 'role:nobody' })).toMatchObject({ status: 404 });
    let added: RoleShift | undefined;
    const records = await chainRecordsOf(async () => {
      added = (await call('adminAddShift', shift)).shift;
      const changed = { ...shift, shiftId: added.shiftId, backupUserId: null };
      expect(await call('adminUpdateShift', changed)).toEqual({ changed: true });
      expect(await call('adminUpdateShift', changed)).toEqual({ changed: false });
      expect(await call('adminDeleteShift', { addressId: ADDRESS, shiftId: added.shiftId })).toEqual({ changed: true });
      expect(await call('adminDeleteShift', { addressId: ADDRESS, shiftId: added.shiftId })).toEqual({
        changed: false,
      });
    });
    expect(added).toMatchObject({ userId: 'dr.patel', backupUserId: 'dr.nguyen', source: 'manual' });
    const object = { kind: 'role-address', id: ADDRESS, userId: 'dr.patel' };
    expect(records).toEqual([
      { object, reason: 'ROLE_SHIFT_ADDED' },
      { object, reason: 'ROLE_SHIFT_UPDATED' },
      { object, reason: 'ROLE_SHIFT_DELETED' },
    ]);
    expect(await refused('adminUpdateShift', { ...shift, shiftId: SHIFT })).toMatchObject({ status: 404 });
  });

  it('previews an import without storing it, and stores nothing from a file with any problem', async () => {
    const start = now + DAY;
    const preview = await call('adminImportShifts', {
      addressId: ADDRESS,
      format: 'ics',
      text: rota(start, 4),
      dryRun: true,
    });
    expect(preview).toMatchObject({ problems: [], problemCount: 0, applied: false, replaced: 0 });
    expect(preview.span).toEqual({ from: start, to: start + 3 * DAY + 12 * HOUR });
    expect(preview.shifts.map((shift) => [shift.userId, shift.backupUserId])).toEqual([
      ['dr.patel', 'dr.nguyen'],
      ['dr.nguyen', 'dr.patel'],
      ['dr.patel', 'dr.nguyen'],
      ['dr.nguyen', 'dr.patel'],
    ]);
    expect(await everything()).toEqual([]);
    const flawed = rota(start, 4).replace('CN=Minh Nguyen', 'CN=Grace Adams');
    const refusedImport = await call('adminImportShifts', {
      addressId: ADDRESS,
      format: 'ics',
      text: flawed,
      dryRun: false,
    });
    expect(refusedImport).toMatchObject({
      applied: false,
      problemCount: 1,
      problems: [{ entry: 2, code: 'UNKNOWN_PERSON' }],
    });
    expect(await everything()).toEqual([]);
    expect(
      await refused('adminImportShifts', {
        addressId: ADDRESS,
        format: 'csv',
        text: 'x'.repeat(SCHEDULE_FILE_MAX_CHARS + 1),
        dryRun: true,
      }),
    ).toMatchObject({ status: 400, body: { error: 'MALFORMED_REQUEST' } });
    expect(target.log.text()).not.toContain(MARKER);
    expect(target.log.text()).not.toContain('Grace Adams');
  });

  it('replaces the shifts within the imported span in one transaction, and records the import', async () => {
    const start = now + 2 * DAY;
    const kept = (
      await call('adminAddShift', {
        addressId: ADDRESS,
        userId: 'dr.nguyen',
        backupUserId: null,
        startsAt: now + 30 * DAY,
        endsAt: now + 31 * DAY,
      })
    ).shift;
    const overlapped = (
      await call('adminAddShift', {
        addressId: ADDRESS,
        userId: 'dr.nguyen',
        backupUserId: null,
        startsAt: start + 6 * HOUR,
        endsAt: start + 20 * HOUR,
      })
    ).shift;
    const records = await chainRecordsOf(async () => {
      const done = await call('adminImportShifts', {
        addressId: ADDRESS,
        format: 'ics',
        text: rota(start, 7),
        dryRun: false,
      });
      expect(done).toMatchObject({ applied: true, replaced: 1, problemCount: 0 });
    });
    expect(records).toEqual([
      { object: { kind: 'role-address', id: ADDRESS, userId: null }, reason: 'ROLE_SHIFTS_IMPORTED' },
    ]);
    const stored = await everything();
    expect(stored.map((shift) => shift.shiftId)).not.toContain(overlapped.shiftId);
    expect(stored.map((shift) => shift.shiftId)).toContain(kept.shiftId);
    expect(stored.filter((shift) => shift.source === 'ics')).toHaveLength(7);
    expect(target.log.text()).not.toContain(MARKER);
  });

  it('takes twenty imports of one address at once in turns: one import’s shifts remain, never a mix', async () => {
    const start = now + 100 * DAY;
    const files = Array.from({ length: 20 }, (_, index) => rota(start, 5 + (index % 3)));
    const answers = await Promise.all(
      files.map((text) => call('adminImportShifts', { addressId: ADDRESS, format: 'ics', text, dryRun: false })),
    );
    expect(answers.every((answer) => answer.applied)).toBe(true);
    const imported = (await everything()).filter((shift) => shift.startsAt >= start);
    expect([5, 6, 7]).toContain(imported.length);
    expect(new Set(imported.map((shift) => shift.startsAt)).size).toBe(imported.length);
  });

  it('removing a member removes them from the schedule', async () => {
    await target.api.ok('adminRemoveRoleMember', { addressId: ADDRESS, userId: 'dr.nguyen' }, token(admin));
    const stored = await everything();
    expect(stored.some((shift) => shift.userId === 'dr.nguyen' || shift.backupUserId === 'dr.nguyen')).toBe(false);
    expect(stored.length).toBeGreaterThan(0);
  });
});
