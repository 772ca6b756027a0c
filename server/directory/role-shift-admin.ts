/**
 * Changing the on-call shifts of a role address, as IT's admin API does: add, change, delete one,
 * or import a rota file. Who is on call decides who a message to the address reaches, so each
 * change is recorded for the audit trail in its transaction, naming the IT admin, the address
 * and the person on call (an import: how many shifts it stored).
 *
 * Every change to an address's shifts takes the address's row lock first, as member changes do
 * (role-address-admin.ts), so an import and a member's removal, or two imports, take turns: an
 * import never stores a shift for someone removed meanwhile, and two imports never interleave.
 */
import {
  SCHEDULE_IMPORT_FUTURE_MS,
  SCHEDULE_IMPORT_MAX_PROBLEMS,
  SCHEDULE_IMPORT_PAST_MS,
  type RoleShift,
  type ScheduleFormat,
  type ShiftInput,
} from '../../shared/protocol/admin-schedule-api';
import type { RouteResponse } from '../../shared/protocol/api';
import { readSchedule, type ScheduleRead } from '../../shared/schedule/schedule-import';
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor, type AdminEventAction } from '../admin/admin-events';
import type { Clock } from '../clock';
import type { Database, Queryable } from '../db/database';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, failAbout, succeed, type Outcome } from '../outcome';
import { lockRoleAddress, namedMembersOf, roleAddressExists, roleMembersOf } from './role-address-store';
import { deleteShift, deleteShiftsOverlapping, insertShift, insertShifts, updateShift } from './role-shift-store';

export interface RoleShiftAdminDeps {
  readonly db: Database;
  readonly clock: Clock;
}

type ImportAnswer = RouteResponse<'adminImportShifts'>;

const recorded = (
  deps: RoleShiftAdminDeps,
  tx: Queryable,
  event: { actor: string; action: AdminEventAction; addressId: string; userId: string | null; affected?: number },
) =>
  recordAdminEvent(tx, {
    at: deps.clock(),
    actor: event.actor,
    action: event.action,
    targetUserId: event.userId,
    subject: event.addressId,
    affected: event.affected ?? null,
  });

/** With the address locked: the people named who are not its members (a refusal names them). */
async function nonMembers(tx: Queryable, shift: ShiftInput): Promise<string[]> {
  const members = new Set(await roleMembersOf(tx, shift.addressId));
  return [shift.userId, shift.backupUserId].filter(
    (userId): userId is string => userId !== null && !members.has(userId),
  );
}

/** A new manual shift; NOT_FOUND for no such address, UNKNOWN_RECIPIENT naming anyone not a member. */
export async function addShift(
  deps: RoleShiftAdminDeps,
  shift: ShiftInput,
  actor: string,
): Promise<Outcome<{ shift: RoleShift }>> {
  const by = checkedActor(actor);
  return transactionOutcome(deps.db, async (tx) => {
    if (!(await lockRoleAddress(tx, shift.addressId))) return fail('NOT_FOUND');
    const outsiders = await nonMembers(tx, shift);
    if (outsiders.length > 0) return failAbout('UNKNOWN_RECIPIENT', outsiders);
    const stored = await insertShift(tx, { ...shift, source: 'manual' }, deps.clock());
    await recorded(deps, tx, { actor: by, action: 'role-address.shift-added', ...shift });
    return succeed({ shift: stored });
  });
}

/** New times or people for a shift; `changed` says whether anything differed. */
export async function changeShift(
  deps: RoleShiftAdminDeps,
  shift: ShiftInput & { readonly shiftId: string },
  actor: string,
): Promise<Outcome<{ changed: boolean }>> {
  const by = checkedActor(actor);
  return transactionOutcome<{ changed: boolean }>(deps.db, async (tx) => {
    if (!(await lockRoleAddress(tx, shift.addressId))) return fail('NOT_FOUND');
    const outsiders = await nonMembers(tx, shift);
    if (outsiders.length > 0) return failAbout('UNKNOWN_RECIPIENT', outsiders);
    const changed = await updateShift(tx, shift);
    if (changed === null) return fail('NOT_FOUND');
    if (changed) await recorded(deps, tx, { actor: by, action: 'role-address.shift-updated', ...shift });
    return succeed({ changed });
  });
}

/** Deletes a shift of the address; `changed` says whether there was one. */
export async function removeShift(
  deps: RoleShiftAdminDeps,
  input: { readonly addressId: string; readonly shiftId: string },
  actor: string,
): Promise<Outcome<{ changed: boolean }>> {
  const by = checkedActor(actor);
  return transactionOutcome<{ changed: boolean }>(deps.db, async (tx) => {
    if (!(await lockRoleAddress(tx, input.addressId))) return fail('NOT_FOUND');
    const userId = await deleteShift(tx, input.addressId, input.shiftId);
    if (userId === null) return succeed({ changed: false });
    await recorded(deps, tx, { actor: by, action: 'role-address.shift-deleted', addressId: input.addressId, userId });
    return succeed({ changed: true });
  });
}

function answerOf(read: ScheduleRead, applied: boolean, replaced: number): ImportAnswer {
  const starts = read.shifts.map((shift) => shift.startsAt);
  const ends = read.shifts.map((shift) => shift.endsAt);
  return {
    shifts: [...read.shifts],
    problems: read.problems.slice(0, SCHEDULE_IMPORT_MAX_PROBLEMS),
    problemCount: read.problems.length,
    span: read.shifts.length === 0 ? null : { from: Math.min(...starts), to: Math.max(...ends) },
    applied,
    replaced,
  };
}

/**
 * Reads a rota file against the address's members now. A dry run, or a file with any problem,
 * changes nothing. Otherwise every shift of the address overlapping the imported span is
 * replaced by the imported ones, all in one transaction.
 */
export async function importShifts(
  deps: RoleShiftAdminDeps,
  input: {
    readonly addressId: string;
    readonly format: ScheduleFormat;
    readonly text: string;
    readonly dryRun: boolean;
  },
  actor: string,
): Promise<Outcome<ImportAnswer>> {
  const by = checkedActor(actor);
  const now = deps.clock();
  const window = { from: now - SCHEDULE_IMPORT_PAST_MS, to: now + SCHEDULE_IMPORT_FUTURE_MS };
  if (input.dryRun) {
    if (!(await roleAddressExists(deps.db, input.addressId))) return fail('NOT_FOUND');
    const members = await namedMembersOf(deps.db, input.addressId);
    return succeed(answerOf(readSchedule(input.format, input.text, members, window), false, 0));
  }
  return transactionOutcome(deps.db, async (tx) => {
    if (!(await lockRoleAddress(tx, input.addressId))) return fail('NOT_FOUND');
    // Read under the lock: the members are those the shifts will be stored against.
    const read = readSchedule(input.format, input.text, await namedMembersOf(tx, input.addressId), window);
    const answer = answerOf(read, false, 0);
    if (read.problems.length > 0 || answer.span === null) return succeed(answer);
    const replaced = await deleteShiftsOverlapping(tx, input.addressId, answer.span.from, answer.span.to);
    await insertShifts(
      tx,
      input.addressId,
      read.shifts.map((shift) => ({ ...shift, source: input.format })),
      deps.clock(),
    );
    await recorded(deps, tx, {
      actor: by,
      action: 'role-address.shifts-imported',
      addressId: input.addressId,
      userId: null,
      affected: read.shifts.length,
    });
    return succeed({ ...answer, applied: true, replaced });
  });
}
