/**
 * The Administration view's channels (IT admins only: `admin.manage`, so the router refuses every
 * other role before main does anything). Main carries each to the server's admin API with the
 * signed-in session (main/admin/: people and accounts in admin-console.ts, role addresses and
 * workstations in admin-directory.ts, on-call schedules in admin-schedule.ts). Destructive actions may answer
 * REAUTHENTICATION_REQUIRED; the view then asks for the password and a code (`admin.reauthenticate`)
 * and tries once more. Spread into the contract's channels (contract.ts).
 *
 * Strict, bounded schemas, like every channel: the renderer is treated as hostile. This module
 * does not import contract.ts, which imports it.
 */
import { z } from 'zod';
import { ROLES, type Permission } from '../access/permission-matrix';
import { adminAccount, adminSession, enrollmentGrant } from '../protocol/admin-api';
import {
  adminRoleAddress,
  adminRoleAddressSummary,
  adminWorkstation,
  roleAddressFields,
  shownText,
} from '../protocol/admin-directory-api';
import { adminLogEntry } from '../protocol/admin-log-api';
import { roleEscalationTimes } from '../protocol/escalation';
import { retentionDays } from '../protocol/retention-days';
import {
  forShift,
  roleShift,
  scheduleImportAnswer,
  scheduleImportRequest,
  shiftChangeRequest,
  shiftRequest,
  SHIFT_WINDOW_MAX_MS,
} from '../protocol/admin-schedule-api';
import { adminDeviceCommand, ADMIN_DEVICE_COMMANDS_MAX, adminPersonWorkstation } from '../protocol/admin-wipe-api';
import { adminTemplate, templateFields } from '../protocol/template-api';
import { deviceId, epochMs, roleAddressId, userId, uuid } from '../protocol/identifiers';
import type { ChannelSpec } from './channel-spec';
import { MAX_FRAME_BYTES } from './loopback-protocol';

/** People per page of a search, and actions per page of the log: what one screen shows. */
export const ADMIN_PEOPLE_PAGE = 25;
export const ADMIN_LOG_PAGE = 25;
/** Role addresses and workstations per page. */
export const ADMIN_DIRECTORY_PAGE = 25;
/** Shifts per page of a role address's schedule: two weeks of a busy rota. */
export const ADMIN_SHIFT_PAGE = 100;
/** Message templates per page: a hospital's approved sentences fit in one or two. */
export const ADMIN_TEMPLATE_PAGE = 50;
/** A rota file to import, as JSON: as large as the browser host's frame carries. */
export const ADMIN_IMPORT_MAX_REQUEST_BYTES = MAX_FRAME_BYTES - 1024;

const permission: Permission = 'admin.manage';
const empty = z.strictObject({});
const forPerson = z.strictObject({ userId });
const count = z.number().int().nonnegative();
const sessionsEnded = z.strictObject({ sessionsEnded: count });
/** A code the admin reads once and hands over; never stored by main or the view. */
const withEnrollment = z.strictObject({ enrollment: enrollmentGrant });
const changed = z.strictObject({ changed: z.boolean() });
const forMember = z.strictObject({ addressId: roleAddressId, userId });
/** Name, department and description as others will see them: already plain display text, as the server demands. */
const roleAddressRequest = z.strictObject({ addressId: roleAddressId, ...roleAddressFields });
/** A registered workstation, and whether it is the one this admin is signed in at (which they may not revoke). */
export const adminWorkstationRow = adminWorkstation.extend({ thisWorkstation: z.boolean() });

/** The password and a fresh authenticator code, for a destructive action (admin and compliance). */
export const reauthenticationRequest = z.strictObject({
  password: z.string().min(1).max(1024),
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/),
});

export const adminChannels = {
  /** People whose user id or name contains `query` (empty: everyone), by user id, a page after `after`. */
  'admin.searchPeople': {
    request: z.strictObject({ query: z.string().trim().max(100), after: userId.nullable() }),
    response: z.strictObject({ people: z.array(adminAccount).max(ADMIN_PEOPLE_PAGE), more: z.boolean() }),
    permission,
  },
  /** A person's live sessions, newest first. */
  'admin.listSessions': {
    request: forPerson,
    response: z.strictObject({ sessions: z.array(adminSession).max(100) }),
    permission,
  },
  /** Keeps the person out and ends every session they have (may ask for re-authentication). */
  'admin.deactivate': { request: forPerson, response: sessionsEnded, permission },
  'admin.reactivate': { request: forPerson, response: empty, permission },
  /**
   * Makes the person lead of the department on their account, or clears it; LEAD_NOT_ELIGIBLE
   * for someone with no department or a role that sends no messages.
   */
  'admin.setDepartmentLead': { request: z.strictObject({ userId, lead: z.boolean() }), response: changed, permission },
  /** Lifts a lockout after failed sign-ins; says whether one was in force. */
  'admin.unlock': { request: forPerson, response: z.strictObject({ wasLocked: z.boolean() }), permission },
  /** Ends every session of the person (may ask for re-authentication). */
  'admin.endSessions': { request: forPerson, response: sessionsEnded, permission },
  /** Ends one session of the person (may ask for re-authentication). */
  'admin.endSession': { request: z.strictObject({ userId, sessionId: uuid }), response: empty, permission },
  /**
   * A new person, pending until they choose a password with the one-time code answered here.
   * Names as others will see them: plain display text, so a refused name is refused here.
   */
  'admin.createPerson': {
    request: z.strictObject({
      userId,
      displayName: shownText(1, 200),
      role: z.enum(ROLES),
      department: shownText(0, 200),
      title: shownText(0, 200),
    }),
    response: withEnrollment,
    permission,
  },
  /** Another code for a person still pending enrollment; the earlier one stops working. */
  'admin.issueEnrollmentCode': { request: forPerson, response: withEnrollment, permission },
  /** A lost authenticator: their sessions end; the next sign-in sets up a new one (may ask for re-authentication). */
  'admin.resetAuthenticator': { request: forPerson, response: sessionsEnded, permission },
  /** A forgotten password: sessions end, history is lost, and a new code lets them choose one (may ask for re-authentication). */
  'admin.resetPassword': {
    request: forPerson,
    response: z.strictObject({ enrollment: enrollmentGrant, sessionsEnded: count }),
    permission,
  },
  /** Role addresses whose id or name contains `query` (empty: all), by id, a page after `after`. */
  'admin.searchRoleAddresses': {
    request: z.strictObject({ query: z.string().trim().max(100), after: roleAddressId.nullable() }),
    response: z.strictObject({
      roleAddresses: z.array(adminRoleAddressSummary).max(ADMIN_DIRECTORY_PAGE),
      more: z.boolean(),
    }),
    permission,
  },
  /** One role address with its members. */
  'admin.getRoleAddress': {
    request: z.strictObject({ addressId: roleAddressId }),
    response: z.strictObject({ roleAddress: adminRoleAddress }),
    permission,
  },
  'admin.createRoleAddress': { request: roleAddressRequest, response: empty, permission },
  'admin.updateRoleAddress': { request: roleAddressRequest, response: changed, permission },
  'admin.addRoleMember': { request: forMember, response: changed, permission },
  'admin.removeRoleMember': { request: forMember, response: changed, permission },
  /** A role address's own escalation times for STAT messages, or null for the organisation's. */
  'admin.setRoleEscalation': {
    request: z.strictObject({ addressId: roleAddressId, escalation: roleEscalationTimes.nullable() }),
    response: changed,
    permission,
  },
  /**
   * A role address's own message retention bound in days (30 to 36500), or null for the
   * organisation's (may ask for re-authentication: a shorter bound deletes for good).
   */
  'admin.setRoleRetention': {
    request: z.strictObject({ addressId: roleAddressId, retentionDays: retentionDays.nullable() }),
    response: changed,
    permission,
  },
  /** A role address's shifts overlapping [from, to) (at most 62 days), by start, a page after `after`. */
  'admin.listShifts': {
    request: z
      .strictObject({
        addressId: roleAddressId,
        from: epochMs,
        to: epochMs,
        after: z.strictObject({ startsAt: epochMs, shiftId: uuid }).nullable(),
      })
      .refine((window) => window.to > window.from && window.to - window.from <= SHIFT_WINDOW_MAX_MS),
    response: z.strictObject({ shifts: z.array(roleShift).max(ADMIN_SHIFT_PAGE), more: z.boolean() }),
    permission,
  },
  /** A shift of two members (the backup optional), at most a week long. */
  'admin.addShift': { request: shiftRequest, response: z.strictObject({ shift: roleShift }), permission },
  'admin.updateShift': { request: shiftChangeRequest, response: changed, permission },
  'admin.deleteShift': { request: forShift, response: changed, permission },
  /**
   * A rota file's text (.ics or .csv) read against the address's members: `dryRun` previews;
   * otherwise it replaces the shifts in its span, or changes nothing if any entry has a problem.
   */
  'admin.importShifts': {
    request: scheduleImportRequest,
    response: scheduleImportAnswer,
    permission,
    maxRequestBytes: ADMIN_IMPORT_MAX_REQUEST_BYTES,
  },
  /** Registered workstations, the most recently heard from first, a page after `after`. */
  'admin.listWorkstations': {
    request: z.strictObject({ after: z.strictObject({ lastContactAt: epochMs, deviceId }).nullable() }),
    response: z.strictObject({
      workstations: z.array(adminWorkstationRow).max(ADMIN_DIRECTORY_PAGE),
      more: z.boolean(),
    }),
    permission,
  },
  /** Ends every session on the workstation and refuses its key from now on (may ask for re-authentication). */
  'admin.revokeWorkstation': {
    request: z.strictObject({ deviceId }),
    response: z.strictObject({ changed: z.boolean(), sessionsEnded: count }),
    permission,
  },
  /**
   * Queues a wipe of the workstation for its next contact (may ask for re-authentication).
   * `confirmName`: its name as the admin confirmed it, which the server checks is still its name.
   * Not the workstation this admin is using.
   */
  'admin.wipeWorkstation': {
    request: z.strictObject({ deviceId, confirmName: z.string().max(200) }),
    response: z.strictObject({ command: adminDeviceCommand }),
    permission,
  },
  /** Queues a wipe of the person's data on every workstation they signed in at (may ask for re-authentication). */
  'admin.wipePerson': {
    request: forPerson,
    response: z.strictObject({
      workstations: count,
      commands: z.array(adminDeviceCommand).max(ADMIN_DEVICE_COMMANDS_MAX),
    }),
    permission,
  },
  /** The workstations a person signed in at, the most recent first: where their data may be. */
  'admin.personWorkstations': {
    request: forPerson,
    response: z.strictObject({ workstations: z.array(adminPersonWorkstation).max(ADMIN_DEVICE_COMMANDS_MAX) }),
    permission,
  },
  /** A workstation's commands, newest first: queued, delivered or done, with times. */
  'admin.workstationCommands': {
    request: z.strictObject({ deviceId }),
    response: z.strictObject({
      deviceName: z.string().max(200).nullable(),
      commands: z.array(adminDeviceCommand).max(ADMIN_DEVICE_COMMANDS_MAX),
    }),
    permission,
  },
  /** Message templates, active and retired, by name, a page after `after` (shared/protocol/template-api.ts). */
  'admin.listTemplates': {
    request: z.strictObject({ after: uuid.nullable() }),
    response: z.strictObject({ templates: z.array(adminTemplate).max(ADMIN_TEMPLATE_PAGE), more: z.boolean() }),
    permission,
  },
  /** A new template, offered at once to the roles and departments it names. */
  'admin.createTemplate': {
    request: z.strictObject(templateFields),
    response: z.strictObject({ template: adminTemplate }),
    permission,
  },
  /** A change made from `version`: CONFLICT when someone else changed the template since. */
  'admin.updateTemplate': {
    request: z.strictObject({ templateId: uuid, version: z.number().int().min(1), ...templateFields }),
    response: z.strictObject({ template: adminTemplate }),
    permission,
  },
  /** Retires a template (no longer offered) or brings it back; CONFLICT as for a change. */
  'admin.setTemplateRetired': {
    request: z.strictObject({ templateId: uuid, version: z.number().int().min(1), retired: z.boolean() }),
    response: z.strictObject({ template: adminTemplate }),
    permission,
  },
  /** The signed-in admin's own actions from the server's audit chain, newest first (`before`: a trail number). */
  'admin.recentActions': {
    request: z.strictObject({ before: z.number().int().nonnegative().nullable() }),
    response: z.strictObject({ entries: z.array(adminLogEntry).max(ADMIN_LOG_PAGE), more: z.boolean() }),
    permission,
  },
  /** The admin's password and a code again, so the server lets destructive actions through for five minutes. */
  'admin.reauthenticate': { request: reauthenticationRequest, response: empty, permission },
} as const satisfies Record<`admin.${string}`, ChannelSpec>;

export type AdminChannelName = keyof typeof adminChannels;
