/**
 * On-call shifts in the database (migration 16, server/directory/role-shift-store.ts), on PGlite
 * and PostgreSQL: the table itself refuses a shift naming a non-member, one that ends before it
 * starts or lasts over a week, and a backup who is the person; "on call now" is the shifts
 * covering the clock's now, two during a handover; and a member who leaves the address leaves
 * no shift naming them, in the transaction that removes them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAccount } from '../../../server/accounts/account-store';
import type { Database } from '../../../server/db/database';
import { migrate } from '../../../server/db/migrate';
import { openPgliteDatabase } from '../../../server/db/pglite-database';
import { openPostgresDatabase } from '../../../server/db/postgres-database';
import { addRoleMember, removeRoleMember, saveRoleAddress } from '../../../server/directory/role-address-admin';
import {
  deleteShiftsOverlapping,
  insertShift,
  shiftsCovering,
  shiftsInWindow,
} from '../../../server/directory/role-shift-store';
import { usePostgres } from '../../support/postgres';
import { BACKENDS, HOOK_TIMEOUT_MS } from '../../support/server-fixtures';
import { seedPgliteFromTemplate } from '../../support/pglite-template';

const postgres = usePostgres();
const ADDRESS = 'role:oncall-cardiology';
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 8);
const ADMIN = 'it.schmidt';
const address = {
  addressId: ADDRESS,
  displayName: 'On-call cardiology',
  department: 'Cardiology',
  description: '',
};

describe.each(BACKENDS)('role shifts on %s', (backend) => {
  let db: Database;
  let dataDir: string;
  let now = T0;
  const deps = () => ({ db, clock: () => now });
  const shift = (userId: string, from: number, to: number, backupUserId: string | null = null) =>
    insertShift(db, { addressId: ADDRESS, userId, backupUserId, startsAt: from, endsAt: to, source: 'manual' }, now);

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-shifts-'));
    if (backend === 'pglite') await seedPgliteFromTemplate(dataDir);
    db =
      backend === 'postgres'
        ? await openPostgresDatabase(await postgres().createDatabase())
        : await openPgliteDatabase(path.join(dataDir, 'pglite'));
    await migrate(db);
    for (const [userId, role] of [
      ['dr.patel', 'physician'],
      ['dr.nguyen', 'physician'],
      ['dr.okafor', 'physician'],
      ['dr.outsider', 'physician'],
      [ADMIN, 'it-admin'],
    ] as const)
      await insertAccount(
        db,
        {
          userId,
          displayName: userId,
          role,
          department: 'Cardiology',
          title: '',
          salt: 'c2FsdHNhbHRzYWx0c2FsdA==',
          kdf: { memoryMiB: 64, passes: 3 },
          authKeyHash: `$argon2id$${userId}`,
          totpSecret: null,
        },
        T0,
      );
    await saveRoleAddress(deps(), { ...address, members: ['dr.patel', 'dr.nguyen', 'dr.okafor'] });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, HOOK_TIMEOUT_MS);

  it('refuses a shift naming a non-member, a backup who is the person, a reversed or week-long shift', async () => {
    await expect(shift('dr.outsider', T0, T0 + HOUR)).rejects.toThrow();
    await expect(shift('dr.patel', T0, T0 + HOUR, 'dr.outsider')).rejects.toThrow();
    await expect(shift('dr.patel', T0, T0 + HOUR, 'dr.patel')).rejects.toThrow();
    await expect(shift('dr.patel', T0, T0)).rejects.toThrow();
    await expect(shift('dr.patel', T0, T0 + 7 * 24 * HOUR + 1)).rejects.toThrow();
    expect(
      (await shiftsInWindow(db, { addressId: ADDRESS, from: 0, to: T0 * 2, after: null, limit: 10 })).shifts,
    ).toEqual([]);
    // A week exactly is a shift.
    const week = await shift('dr.patel', T0 - 30 * 24 * HOUR, T0 - 23 * 24 * HOUR);
    expect(week).toMatchObject({ userId: 'dr.patel', backupUserId: null, source: 'manual', createdAt: T0 });
  });

  it('answers who is on call now: the shifts covering the clock, two during a handover, none after', async () => {
    await shift('dr.patel', T0, T0 + 12 * HOUR, 'dr.nguyen');
    await shift('dr.okafor', T0 + 11 * HOUR, T0 + 24 * HOUR, 'dr.patel');
    const onCall = (at: number) => shiftsCovering(db, [ADDRESS], at);
    expect(await onCall(T0 - 1)).toEqual([]);
    expect(await onCall(T0)).toEqual([
      { addressId: ADDRESS, userId: 'dr.patel', backupUserId: 'dr.nguyen', endsAt: T0 + 12 * HOUR },
    ]);
    expect((await onCall(T0 + 11.5 * HOUR)).map((row) => row.userId)).toEqual(['dr.patel', 'dr.okafor']);
    // Half-open: at the end of Patel's shift, Okafor alone.
    expect((await onCall(T0 + 12 * HOUR)).map((row) => row.userId)).toEqual(['dr.okafor']);
    expect(await onCall(T0 + 24 * HOUR)).toEqual([]);
  });

  it('lists a window a page at a time, by start, without skipping or repeating', async () => {
    const window = { addressId: ADDRESS, from: T0, to: T0 + 48 * HOUR, limit: 1 };
    const first = await shiftsInWindow(db, { ...window, after: null });
    expect(first.more).toBe(true);
    const [row] = first.shifts;
    const second = await shiftsInWindow(db, {
      ...window,
      after: { startsAt: row?.startsAt ?? 0, shiftId: row?.shiftId ?? '' },
    });
    expect([...first.shifts, ...second.shifts].map((s) => s.userId)).toEqual(['dr.patel', 'dr.okafor']);
    expect(second.more).toBe(false);
  });

  it('a member who leaves is on call for nothing and backs up nobody, in the removing transaction', async () => {
    now = T0 + HOUR;
    expect(await removeRoleMember(deps(), { addressId: ADDRESS, userId: 'dr.patel' }, ADMIN)).toEqual({
      ok: true,
      value: { changed: true },
    });
    const left = await shiftsInWindow(db, { addressId: ADDRESS, from: 0, to: T0 * 2, after: null, limit: 10 });
    expect(left.shifts.map((s) => [s.userId, s.backupUserId])).toEqual([['dr.okafor', null]]);
    expect(await shiftsCovering(db, [ADDRESS], T0 + HOUR)).toEqual([]);
    await addRoleMember(deps(), { addressId: ADDRESS, userId: 'dr.patel' }, ADMIN);
  });

  it('saving the address keeps the shifts of members who stay and drops those of members who leave', async () => {
    await shift('dr.nguyen', T0 + 30 * HOUR, T0 + 40 * HOUR, 'dr.okafor');
    await saveRoleAddress(deps(), { ...address, members: ['dr.patel', 'dr.nguyen'] });
    const kept = await shiftsInWindow(db, { addressId: ADDRESS, from: T0, to: T0 * 2, after: null, limit: 10 });
    expect(kept.shifts.map((s) => [s.userId, s.backupUserId])).toEqual([['dr.nguyen', null]]);
    expect(await deleteShiftsOverlapping(db, ADDRESS, T0 + 39 * HOUR, T0 + 50 * HOUR)).toBe(1);
  });
});
