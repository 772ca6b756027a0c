/**
 * The Administration view's channels (IT admins only: `admin.manage`, so the router refuses every
 * other role before main does anything). Main carries each to the server's admin API with the
 * signed-in session (main/admin/admin-console.ts). Destructive actions may answer
 * REAUTHENTICATION_REQUIRED; the view then asks for the password and a code (`admin.reauthenticate`)
 * and tries once more. Spread into the contract's channels (contract.ts).
 *
 * Strict, bounded schemas, like every channel: the renderer is treated as hostile. This module
 * does not import contract.ts, which imports it.
 */
import { z } from 'zod';
import type { Permission } from '../access/permission-matrix';
import { adminAccount, adminSession } from '../protocol/admin-api';
import { adminLogEntry } from '../protocol/admin-log-api';
import { userId, uuid } from '../protocol/identifiers';
import type { ChannelSpec } from './channel-spec';

/** People per page of a search, and actions per page of the log: what one screen shows. */
export const ADMIN_PEOPLE_PAGE = 25;
export const ADMIN_LOG_PAGE = 25;

const permission: Permission = 'admin.manage';
const empty = z.strictObject({});
const forPerson = z.strictObject({ userId });
const sessionsEnded = z.strictObject({ sessionsEnded: z.number().int().nonnegative() });

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
  /** Lifts a lockout after failed sign-ins; says whether one was in force. */
  'admin.unlock': { request: forPerson, response: z.strictObject({ wasLocked: z.boolean() }), permission },
  /** Ends every session of the person (may ask for re-authentication). */
  'admin.endSessions': { request: forPerson, response: sessionsEnded, permission },
  /** Ends one session of the person (may ask for re-authentication). */
  'admin.endSession': { request: z.strictObject({ userId, sessionId: uuid }), response: empty, permission },
  /** The signed-in admin's own actions from the server's audit chain, newest first (`before`: a trail number). */
  'admin.recentActions': {
    request: z.strictObject({ before: z.number().int().nonnegative().nullable() }),
    response: z.strictObject({ entries: z.array(adminLogEntry).max(ADMIN_LOG_PAGE), more: z.boolean() }),
    permission,
  },
  /** The admin's password and a code again, so the server lets destructive actions through for five minutes. */
  'admin.reauthenticate': {
    request: z.strictObject({
      password: z.string().min(1).max(1024),
      code: z
        .string()
        .trim()
        .regex(/^\d{6}$/),
    }),
    response: empty,
    permission,
  },
} as const satisfies Record<`admin.${string}`, ChannelSpec>;

export type AdminChannelName = keyof typeof adminChannels;
