/**
 * The administration API for on-call schedules of role addresses (`/v1/admin/role-addresses/shifts/…`):
 * list the shifts of an address in a bounded window, add, change and delete one, and import a
 * rota file (.ics or .csv). As every `/v1/admin` route: an `it-admin` session (`admin.manage`,
 * the permission that edits role addresses), and each change on the server's audit chain naming
 * the IT admin and the address (server/admin/admin-schedule-handlers.ts).
 *
 * A shift names members of the address only: the on-call person and an optional backup, never
 * the same person, from `startsAt` to `endsAt` (epoch ms, half-open, at most SHIFT_MAX_MS).
 */
import { z } from 'zod';
import { ADMIN_PAGE_MAX } from './admin-api';
import { epochMs, roleAddressId, userId, uuid } from './identifiers';
import type { RouteSpec } from './route-spec';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest shift: a week-long on-call block, and no "forever" entry that hides the rota. */
export const SHIFT_MAX_MS = 7 * DAY_MS;
/** The widest window one list asks for. */
export const SHIFT_WINDOW_MAX_MS = 62 * DAY_MS;
/** The largest rota file accepted, in characters: fits the workstation's IPC frame with room to spare. */
export const SCHEDULE_FILE_MAX_CHARS = 512 * 1024;
/** Most shifts one import yields (a year of daily shifts with handovers). */
export const SCHEDULE_IMPORT_MAX_SHIFTS = 2000;
/** Most problems one import answer lists; the rest are counted. */
export const SCHEDULE_IMPORT_MAX_PROBLEMS = 200;
/** Imported shifts must start within this window around the server's now (recurrences are expanded only there). */
export const SCHEDULE_IMPORT_PAST_MS = 31 * DAY_MS;
export const SCHEDULE_IMPORT_FUTURE_MS = 400 * DAY_MS;

export const SHIFT_SOURCES = ['manual', 'ics', 'csv'] as const;
export type ShiftSource = (typeof SHIFT_SOURCES)[number];
export const SCHEDULE_FORMATS = ['ics', 'csv'] as const;
export type ScheduleFormat = (typeof SCHEDULE_FORMATS)[number];

export const roleShift = z.strictObject({
  shiftId: uuid,
  addressId: roleAddressId,
  userId,
  backupUserId: userId.nullable(),
  startsAt: epochMs,
  endsAt: epochMs,
  source: z.enum(SHIFT_SOURCES),
  createdAt: epochMs,
});
export type RoleShift = z.infer<typeof roleShift>;

/** What makes a shift, as an admin gives it: checked for order, length and two different people. */
export const shiftRequest = z
  .strictObject({
    addressId: roleAddressId,
    userId,
    backupUserId: userId.nullable(),
    startsAt: epochMs,
    endsAt: epochMs,
  })
  .refine((shift) => shift.endsAt > shift.startsAt && shift.endsAt - shift.startsAt <= SHIFT_MAX_MS, {
    message: 'a shift ends after it starts, within a week',
  })
  .refine((shift) => shift.backupUserId !== shift.userId, { message: 'the backup is someone else' });
export type ShiftInput = z.infer<typeof shiftRequest>;

/**
 * Why an entry of a rota file was not taken. Codes only: an answer never repeats what the file
 * said, and the server logs none of it.
 */
export const SCHEDULE_PROBLEMS = [
  /** The file could not be read as its format at all. */
  'MALFORMED_FILE',
  /** CSV: the first row is not `start,end,person,backup` (backup may be left out). */
  'BAD_HEADER',
  /** CSV: a row with another number of fields than the header. */
  'BAD_ROW',
  /** A start or end that is not an ISO 8601 date-time with a UTC offset (or an iCalendar DATE-TIME). */
  'BAD_TIME',
  /** iCalendar: a time with no zone (floating): which hospital's 8 o'clock is unknown. */
  'FLOATING_TIME',
  /** iCalendar: a TZID the file does not define and no known zone has. */
  'UNKNOWN_TIME_ZONE',
  /** iCalendar: an all-day event. A shift has times; an all-day "on call" is refused, never guessed into hours. */
  'ALL_DAY_EVENT',
  /** iCalendar: a recurrence more frequent than daily, or one that runs too long to expand. */
  'RECURRENCE_UNSUPPORTED',
  'END_NOT_AFTER_START',
  'SHIFT_TOO_LONG',
  /** Starts outside the import window (a month back to about a year ahead). */
  'OUTSIDE_WINDOW',
  /** No person named. */
  'MISSING_PERSON',
  /** Names nobody among the address's members. */
  'UNKNOWN_PERSON',
  /** Names more than one member (a display name two members share, or two names in a summary). */
  'AMBIGUOUS_PERSON',
  'UNKNOWN_BACKUP',
  'AMBIGUOUS_BACKUP',
  'BACKUP_IS_PERSON',
  /** The file holds more shifts than one import takes. */
  'TOO_MANY_SHIFTS',
] as const;
export type ScheduleProblemCode = (typeof SCHEDULE_PROBLEMS)[number];

/** An entry's problem: its CSV line (1 = the header) or its iCalendar event (1 = the first VEVENT). */
export const scheduleProblem = z.strictObject({
  entry: z.number().int().nonnegative(),
  code: z.enum(SCHEDULE_PROBLEMS),
});
export type ScheduleProblem = z.infer<typeof scheduleProblem>;

/** A shift as read from a file, with its people resolved to members. */
export const importedShift = z.strictObject({
  entry: z.number().int().nonnegative(),
  userId,
  backupUserId: userId.nullable(),
  startsAt: epochMs,
  endsAt: epochMs,
});
export type ImportedShift = z.infer<typeof importedShift>;

export const shiftChangeRequest = z
  .strictObject({
    addressId: roleAddressId,
    shiftId: uuid,
    userId,
    backupUserId: userId.nullable(),
    startsAt: epochMs,
    endsAt: epochMs,
  })
  .refine((shift) => shift.endsAt > shift.startsAt && shift.endsAt - shift.startsAt <= SHIFT_MAX_MS)
  .refine((shift) => shift.backupUserId !== shift.userId);

export const scheduleImportRequest = z.strictObject({
  addressId: roleAddressId,
  format: z.enum(SCHEDULE_FORMATS),
  text: z.string().max(SCHEDULE_FILE_MAX_CHARS),
  dryRun: z.boolean(),
});

export const scheduleImportAnswer = z.strictObject({
  shifts: z.array(importedShift).max(SCHEDULE_IMPORT_MAX_SHIFTS),
  problems: z.array(scheduleProblem).max(SCHEDULE_IMPORT_MAX_PROBLEMS),
  /** How many problems there were in all (the list stops at SCHEDULE_IMPORT_MAX_PROBLEMS). */
  problemCount: z.number().int().nonnegative(),
  /** The span the import replaces: earliest start to latest end; null when it yields no shift. */
  span: z.strictObject({ from: epochMs, to: epochMs }).nullable(),
  /** Whether the shifts were stored; `replaced`: how many earlier shifts they replaced. */
  applied: z.boolean(),
  replaced: z.number().int().nonnegative(),
});

export const forShift = z.strictObject({ addressId: roleAddressId, shiftId: uuid });
const changed = z.strictObject({ changed: z.boolean() });

export const shiftWindow = z
  .strictObject({
    addressId: roleAddressId,
    from: epochMs,
    to: epochMs,
    after: z.strictObject({ startsAt: epochMs, shiftId: uuid }).nullable(),
    limit: z.number().int().min(1).max(ADMIN_PAGE_MAX),
  })
  .refine((window) => window.to > window.from && window.to - window.from <= SHIFT_WINDOW_MAX_MS, {
    message: 'a window of at most 62 days',
  });

export const adminScheduleRoutes = {
  /** Shifts of the address overlapping [from, to), by start then id, a page at a time; NOT_FOUND for no such address. */
  adminListShifts: {
    method: 'POST',
    path: '/v1/admin/role-addresses/shifts/list',
    auth: 'session',
    permission: 'admin.manage',
    request: shiftWindow,
    response: z.strictObject({ shifts: z.array(roleShift).max(ADMIN_PAGE_MAX), more: z.boolean() }),
  },
  /** A new manual shift. UNKNOWN_RECIPIENT (naming them) if a person is not a member of the address. */
  adminAddShift: {
    method: 'POST',
    path: '/v1/admin/role-addresses/shifts/add',
    auth: 'session',
    permission: 'admin.manage',
    request: shiftRequest,
    response: z.strictObject({ shift: roleShift }),
  },
  /** New times or people for a shift of the address (it becomes `manual`); NOT_FOUND for no such shift there. */
  adminUpdateShift: {
    method: 'POST',
    path: '/v1/admin/role-addresses/shifts/update',
    auth: 'session',
    permission: 'admin.manage',
    request: shiftChangeRequest,
    response: changed,
  },
  adminDeleteShift: {
    method: 'POST',
    path: '/v1/admin/role-addresses/shifts/delete',
    auth: 'session',
    permission: 'admin.manage',
    request: forShift,
    response: changed,
  },
  /**
   * Reads a rota file against the address's members. `dryRun`: only says what it would do. Else,
   * if no entry has a problem, replaces every shift of the address overlapping the imported span
   * (earliest start to latest end) with the imported ones, in one transaction; with any problem
   * it changes nothing (`applied: false`). Imports of one address take turns.
   */
  adminImportShifts: {
    method: 'POST',
    path: '/v1/admin/role-addresses/shifts/import',
    auth: 'session',
    permission: 'admin.manage',
    request: scheduleImportRequest,
    response: scheduleImportAnswer,
  },
} as const satisfies Record<string, RouteSpec>;
