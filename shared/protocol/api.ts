/**
 * The server's versioned HTTP API (`/v1`): every route with its method, path, whether it needs a
 * session, and its request and response schemas. The server registers exactly these routes and
 * validates requests with these schemas; the client validates every response with them too.
 *
 * Every request and response is a JSON object. Routes that need a session take
 * `Authorization: Bearer <token>`.
 */
import { z } from 'zod';
import { ROLES } from '../access/permission-matrix';
import { quickReply } from './acknowledgement';
import { roleEscalationTimes } from './escalation';
import { publicKey, signature } from './binary';
import { archiveRequirement } from './archive-key';
import { accessToken, authKey, deviceProof, kdfParams, salt, totpCode } from './auth';
import { envelope } from './envelope';
import { enrollmentCode } from './enrollment';
import { conversationId, deviceId, epochMs, messageId, roleAddressId, userId, uuid } from './identifiers';
import { fingerprint, identityPublicKeys, identityRecord, wrappedPrivateKeys } from './identity';
import { feedEvent } from './feed';
import { account } from './account';
import { availability, availabilityRequest } from './availability';
import { adminRoutes } from './admin-api';
import { adminDirectoryRoutes } from './admin-directory-api';
import { adminLogRoutes } from './admin-log-api';
import { adminRetentionRoutes } from './admin-retention-api';
import { adminScheduleRoutes } from './admin-schedule-api';
import { adminScimRoutes } from './admin-scim-api';
import { adminWipeRoutes } from './admin-wipe-api';
import { templateRoutes } from './template-api';
import { messageHoldRoutes } from './message-hold-api';
import { leadTemplateRoutes } from './lead-template-api';
import { deviceCommandRoutes } from './device-command-api';
import type { RouteSpec } from './route-spec';
import {
  auditAlert,
  auditSearchFilter,
  chainedEntry,
  hashHex,
  signedTreeHead,
  storedEntry,
} from '../audit/audit-entry';

/** Records per audit batch: a catch-up after a long outage goes in several. */
export const AUDIT_BATCH_MAX = 500;
/** A compliance export holds at most this many records (narrow the filter for more). */
export const AUDIT_EXPORT_MAX_RECORDS = 5000;
export const AUDIT_EXPORT_MAX_BYTES = 15 * 1024 * 1024;

export const API_VERSION = 'v1';

const empty = z.strictObject({});
const text = (max: number) => z.string().max(max);

export { account, type Account } from './account';

export const session = z.strictObject({
  /** Public id of the session (listing, ending it); the token itself is secret. */
  sessionId: uuid,
  token: accessToken,
  expiresAt: epochMs,
  /** The password is needed again after this, however often the token is refreshed. */
  maxExpiresAt: epochMs,
  account,
  /** Null until the user's first sign-in anywhere has published identity keys. */
  identity: identityRecord.nullable(),
  /**
   * The archive key every envelope must also be sealed to, by its fingerprint (a server started
   * with `--archive-key-fingerprint`), so a workstation whose policy has no such key, or another,
   * refuses before sealing instead of being refused after; null on a server that does not archive.
   */
  archive: archiveRequirement.nullable(),
});
export type Session = z.infer<typeof session>;

export const directoryUser = z.strictObject({
  kind: z.literal('user'),
  userId,
  displayName: text(200),
  role: z.enum(ROLES),
  department: text(200),
  title: text(200),
  active: z.boolean(),
  /** Null for a user who has never signed in (no keys yet: cannot receive messages). */
  fingerprint: fingerprint.nullable(),
  /** Null while available (or once the chosen time has passed, by the server's clock when it answers). */
  availability,
});
export type DirectoryUser = z.infer<typeof directoryUser>;

/** Most shifts a directory entry lists as on call now: overlapping shifts are a handover, not a crowd. */
export const ROLE_ON_CALL_MAX = 10;

export const directoryRole = z.strictObject({
  kind: z.literal('role'),
  addressId: roleAddressId,
  displayName: text(200),
  department: text(200),
  description: text(500),
  /** Current members: a message to the address goes to each of them. */
  members: z.array(directoryUser).max(100),
  /**
   * Who is on call now by the address's schedule (server/directory/role-shift-store.ts): each
   * shift covering the server's now whose person is active, earliest start first (two during a
   * handover), with its backup (null if none, or no longer active) and when it ends. Empty when
   * no shift covers now.
   */
  onCall: z.array(z.strictObject({ userId, backupUserId: userId.nullable(), endsAt: epochMs })).max(ROLE_ON_CALL_MAX),
  /** When its STAT messages re-alert and escalate (shared/protocol/escalation.ts). */
  escalation: roleEscalationTimes,
});
export type DirectoryRole = z.infer<typeof directoryRole>;

export const directoryEntry = z.discriminatedUnion('kind', [directoryUser, directoryRole]);
export type DirectoryEntry = z.infer<typeof directoryEntry>;

export const userKeys = z.strictObject({
  user: directoryUser,
  publicKeys: identityPublicKeys.nullable(),
});
export type UserKeys = z.infer<typeof userKeys>;

export const storedEnvelope = z.strictObject({
  envelope,
  acceptedAt: epochMs,
  recalledAt: epochMs.nullable(),
});
export type StoredEnvelope = z.infer<typeof storedEnvelope>;

export const sessionSummary = z.strictObject({
  sessionId: uuid,
  deviceId: uuid,
  deviceName: text(200),
  createdAt: epochMs,
  lastSeenAt: epochMs,
  current: z.boolean(),
});

/** What the first factor answers: the second factor, enrolling one, or (MFA off) a session. */
const loginAnswer = z.discriminatedUnion('step', [
  z.strictObject({ step: z.literal('mfa'), challengeId: uuid, expiresAt: epochMs }),
  /** MFA is required and not yet set up: show the URI (and its QR code), then verify a code. */
  z.strictObject({ step: z.literal('enroll-mfa'), challengeId: uuid, expiresAt: epochMs, otpauthUri: text(512) }),
  z.strictObject({ step: z.literal('signed-in'), session }),
]);

export const routes = {
  health: {
    method: 'GET',
    path: '/v1/health',
    auth: 'none',
    request: empty,
    // `demo`: a development server with seeded demo accounts (`--demo`); sign-in says so.
    response: z.strictObject({ status: z.literal('ok'), version: text(50), demo: z.boolean() }),
  },
  /**
   * The salt and cost for deriving this user's keys. An unknown user gets a salt that is stable
   * for that id and indistinguishable from a real one, so user ids cannot be enumerated.
   */
  prelogin: {
    method: 'POST',
    path: '/v1/auth/prelogin',
    auth: 'none',
    request: z.strictObject({ userId }),
    response: z.strictObject({ salt, kdf: kdfParams }),
  },
  /** First factor. The device key signs `loginProofBytes`; a new device id is registered. */
  login: {
    method: 'POST',
    path: '/v1/auth/login',
    auth: 'none',
    request: z.strictObject({
      userId,
      authKey,
      device: z.strictObject({ publicKey, name: text(200) }),
      proof: deviceProof,
    }),
    response: loginAnswer,
  },
  /**
   * First sign-in of a new account, or the first after a password reset: the one-time enrollment
   * code IT handed over, with the auth key of the password the person chose (derived over the
   * prelogin salt). Answers as `login` does; the authenticator is enrolled next if there is none.
   */
  enroll: {
    method: 'POST',
    path: '/v1/auth/enroll',
    auth: 'none',
    request: z.strictObject({
      userId,
      enrollmentCode,
      authKey,
      device: z.strictObject({ publicKey, name: text(200) }),
      proof: deviceProof,
    }),
    response: loginAnswer,
  },
  /** Second factor, or confirmation of a new enrollment. */
  verifyMfa: {
    method: 'POST',
    path: '/v1/auth/mfa',
    auth: 'none',
    request: z.strictObject({ challengeId: uuid, code: totpCode }),
    response: z.strictObject({ session }),
  },
  /** A new token for the same session; the device key signs `refreshProofBytes`. */
  refresh: {
    method: 'POST',
    path: '/v1/auth/refresh',
    auth: 'session',
    request: z.strictObject({ proof: deviceProof }),
    response: z.strictObject({ token: accessToken, expiresAt: epochMs }),
  },
  logout: { method: 'POST', path: '/v1/auth/logout', auth: 'session', request: empty, response: empty },
  /**
   * The password (as its auth key) and a second-factor code again, for a session that is about to
   * do something destructive (`fresh` routes). Counted by the sign-in throttle like a sign-in.
   */
  reauthenticate: {
    method: 'POST',
    path: '/v1/auth/reauthenticate',
    auth: 'session',
    request: z.strictObject({ authKey, code: totpCode }),
    response: z.strictObject({ authenticatedAt: epochMs }),
  },
  listSessions: {
    method: 'GET',
    path: '/v1/auth/sessions',
    auth: 'session',
    request: empty,
    response: z.strictObject({ sessions: z.array(sessionSummary).max(100) }),
  },
  endSession: {
    method: 'POST',
    path: '/v1/auth/sessions/end',
    auth: 'session',
    request: z.strictObject({ sessionId: uuid }),
    response: empty,
  },
  /** Publishes (or, after a reset, replaces) the caller's identity keys. */
  publishIdentity: {
    method: 'POST',
    path: '/v1/keys/identity',
    auth: 'session',
    request: z.strictObject({ publicKeys: identityPublicKeys, wrappedPrivateKeys }),
    response: z.strictObject({ fingerprint }),
  },
  searchDirectory: {
    method: 'POST',
    path: '/v1/directory/search',
    auth: 'session',
    request: z.strictObject({ query: z.string().trim().max(100), limit: z.number().int().min(1).max(50) }),
    response: z.strictObject({ entries: z.array(directoryEntry).max(50) }),
  },
  /**
   * The caller's own availability (never anyone else's: there is no user id to name). `until` must
   * be ahead of the server's clock and at most two weeks ahead; a cover must be someone else,
   * active, whose role receives messages. Answers what the directory now shows.
   */
  setAvailability: {
    method: 'POST',
    path: '/v1/availability',
    auth: 'session',
    permission: 'messages.use',
    request: z.strictObject({ availability: availabilityRequest }),
    response: z.strictObject({ availability }),
  },
  /** Public keys of named users; unknown ids are simply absent from the answer. */
  lookupKeys: {
    method: 'POST',
    path: '/v1/directory/keys',
    auth: 'session',
    request: z.strictObject({ userIds: z.array(userId).min(1).max(100) }),
    response: z.strictObject({ users: z.array(userKeys).max(100) }),
  },
  /**
   * Stores the envelope once (its id is the idempotency key) and delivers it. The server checks
   * the sender is the signed-in user, every recipient exists and is active, each sealed key
   * targets the recipient's current key, the archive key it requires is sealed to (if any), and
   * the signature verifies.
   */
  send: {
    method: 'POST',
    path: '/v1/messages/send',
    auth: 'session',
    request: z.strictObject({ envelope }),
    response: z.strictObject({ messageId, acceptedAt: epochMs, duplicate: z.boolean() }),
  },
  receipts: {
    method: 'POST',
    path: '/v1/messages/receipts',
    auth: 'session',
    request: z.strictObject({
      receipts: z
        .array(z.strictObject({ messageId, kind: z.enum(['delivered', 'read']) }))
        .min(1)
        .max(500),
    }),
    response: z.strictObject({ accepted: z.number().int().nonnegative() }),
  },
  /** Signed by the sender over `recallSignedBytes`. Deleted where undelivered, hidden where delivered. */
  recall: {
    method: 'POST',
    path: '/v1/messages/recall',
    auth: 'session',
    request: z.strictObject({ messageId, recalledAt: epochMs, signature }),
    response: z.strictObject({ recalledAt: epochMs }),
  },
  /**
   * A recipient acknowledges, signed over `acknowledgementSignedBytes`. Once per recipient and
   * message: a repeat answers the first acknowledgement's values and changes nothing.
   */
  acknowledge: {
    method: 'POST',
    path: '/v1/messages/acknowledge',
    auth: 'session',
    request: z.strictObject({ messageId, acknowledgedAt: epochMs, reply: quickReply.nullable(), signature }),
    response: z.strictObject({ acknowledgedAt: epochMs, reply: quickReply.nullable(), acceptedAt: epochMs }),
  },
  /** Events for the caller after `after` (0 for everything still held), oldest first. */
  feed: {
    method: 'POST',
    path: '/v1/feed',
    auth: 'session',
    request: z.strictObject({ after: z.number().int().nonnegative(), limit: z.number().int().min(1).max(500) }),
    response: z.strictObject({
      events: z.array(feedEvent).max(500),
      cursor: z.number().int().nonnegative(),
      more: z.boolean(),
    }),
  },
  /** Older messages of one conversation the caller took part in, newest first. */
  history: {
    method: 'POST',
    path: '/v1/conversations/history',
    auth: 'session',
    request: z.strictObject({ conversationId, before: epochMs.nullable(), limit: z.number().int().min(1).max(200) }),
    response: z.strictObject({ envelopes: z.array(storedEnvelope).max(200), more: z.boolean() }),
  },
  /**
   * A workstation's audit records, in order, signed by its device key (no session: the log
   * syncs with nobody signed in). The answer acknowledges by sequence number, with the signed
   * tree head, the last record's inclusion proof, and a consistency proof from the head the
   * workstation already holds (`knownTreeSize`, 0 for none).
   */
  auditBatch: {
    method: 'POST',
    path: '/v1/audit/batches',
    auth: 'none',
    request: z.strictObject({
      deviceId,
      entries: z.array(chainedEntry).min(1).max(AUDIT_BATCH_MAX),
      signature,
      knownTreeSize: z.number().int().nonnegative(),
    }),
    response: z.strictObject({
      ackedSeq: z.number().int().positive(),
      /** The acknowledged record's leaf index in the tree. */
      leafIndex: z.number().int().nonnegative(),
      head: signedTreeHead,
      /** The server's audit key (Ed25519, base64): the workstation pins it on first use. */
      auditKey: publicKey,
      inclusion: z.array(hashHex).max(64),
      consistency: z.array(hashHex).max(128),
    }),
  },
  /**
   * Compliance search (role with `audit.read` only): records matching the filter after a tree
   * index, each with its inclusion proof against the latest signed head, and a consistency proof
   * from the head the workstation already holds, so the workstation verifies what it is shown.
   */
  auditSearch: {
    method: 'POST',
    path: '/v1/audit/search',
    auth: 'session',
    request: z.strictObject({
      filter: auditSearchFilter,
      afterIndex: z.number().int().min(-1),
      limit: z.number().int().min(1).max(AUDIT_BATCH_MAX),
      knownTreeSize: z.number().int().nonnegative(),
    }),
    response: z.strictObject({
      entries: z.array(z.strictObject({ entry: storedEntry, proof: z.array(hashHex).max(64) })).max(AUDIT_BATCH_MAX),
      more: z.boolean(),
      head: signedTreeHead.nullable(),
      auditKey: publicKey.nullable(),
      consistency: z.array(hashHex).max(128),
      alerts: z.array(auditAlert).max(1000),
    }),
  },
  /**
   * A compliance selection as a FHIR R4 Bundle (role with `audit.read` only): the records the
   * filter matches, each with its inclusion proof against the head of `treeSize` (the head the
   * workstation verified the same selection against), the batches and that head.
   */
  auditExport: {
    method: 'POST',
    path: '/v1/audit/export',
    auth: 'session',
    request: z.strictObject({ filter: auditSearchFilter, treeSize: z.number().int().positive() }),
    response: z.strictObject({
      records: z.number().int().nonnegative(),
      bundle: z.string().max(AUDIT_EXPORT_MAX_BYTES),
    }),
  },
  ...adminRoutes,
  ...adminDirectoryRoutes,
  ...adminScheduleRoutes,
  ...adminLogRoutes,
  ...adminRetentionRoutes,
  ...adminScimRoutes,
  ...adminWipeRoutes,
  ...templateRoutes,
  ...leadTemplateRoutes,
  ...deviceCommandRoutes,
  ...messageHoldRoutes,
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routes;
export type RouteRequest<R extends RouteName> = z.input<(typeof routes)[R]['request']>;
export type RouteResponse<R extends RouteName> = z.output<(typeof routes)[R]['response']>;
