/**
 * The IPC contract: every channel between renderer and main, with its request and response
 * schemas and the permission it needs. Main's router, the preload API factory and the renderer's
 * types are all derived from this object, so adding a channel is one entry here plus one handler.
 *
 * Schemas are strict (extra properties are an error) and every string and array is bounded:
 * the renderer is treated as hostile.
 */
import { z } from 'zod';
import { ROLES } from '../access/permission-matrix';
import { directoryEntry, sessionSummary } from '../protocol/api';
import { quickReply } from '../protocol/acknowledgement';
import { availability, availabilityRequest } from '../protocol/availability';
import { ESCALATION_REASONS } from '../protocol/escalation';
import { MAX_TEXT_CHARS, patientContext, PRIORITIES } from '../protocol/envelope';
import { IDENTIFIER_KINDS } from '../text/identifier-guard/identifier-kinds';
import { conversationId, messageId, roleAddressId, userId as protocolUserId } from '../protocol/identifiers';
import { policySchema, policySourceSchema } from '../policy/policy-schema';
import { auditAlert, auditSearchFilter } from '../audit/audit-entry';
import { auditRecord } from '../audit/audit-event';
import { adminChannels } from './admin-channels';
import { holdChannels } from './hold-channels';
import { leadChannels } from './lead-channels';
import { attachmentChannels, attachmentViewSchema, sendAttachments } from './attachment-channels';
import { searchChannels } from './search-channels';
import { templateChannels, templateUse } from './template-channels';
import type { ChannelSpec } from './channel-spec';

export { DEFAULT_MAX_REQUEST_BYTES, type ChannelSpec } from './channel-spec';

const empty = z.strictObject({});

export const userIdSchema = z.string().trim().min(1).max(64);
export const passwordSchema = z.string().min(1).max(1024);
export const pinSchema = z.string().regex(/^\d{4,12}$/);

export const userSummarySchema = z.strictObject({
  userId: userIdSchema,
  displayName: z.string().max(200),
  role: z.enum(ROLES),
});

/**
 * The unlock PIN as the signed-in user stands: `set`; `offered` (none yet, and it may be chosen
 * now without the password, just after a full sign-in); `unset`; or `not-allowed` by policy.
 */
export const PIN_STATES = ['set', 'offered', 'unset', 'not-allowed'] as const;

/**
 * Why the last person here was signed out when it was not their own doing, for the sign-in
 * screen to say: IT wiped this workstation, or this person's data on it; IT disabled the account;
 * IT (or the person, from another workstation) ended the session; the server no longer accepts it.
 */
export const SIGNED_OUT_REASONS = [
  'workstation-wiped',
  'user-wiped',
  'account-disabled',
  'signed-out-by-it',
  'session-expired',
] as const;
export type SignedOutReason = (typeof SIGNED_OUT_REASONS)[number];

export const sessionStateSchema = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('signed-out'), reason: z.enum(SIGNED_OUT_REASONS).optional() }),
  z.strictObject({ state: z.literal('unlocked'), user: userSummarySchema, pin: z.enum(PIN_STATES) }),
  /** The name only if policy lets the lock screen show it; what unlocks it now. */
  z.strictObject({
    state: z.literal('locked'),
    displayName: z.string().max(200).nullable(),
    unlockWith: z.enum(['pin', 'password']),
  }),
]);
export type SessionState = z.infer<typeof sessionStateSchema>;

/**
 * What a sign-in or unlock is doing now, for the screen to say once it has taken over a second:
 * checking the password or PIN (the derivation and the server), the authentication code, the
 * identity keys, then opening the vault and messaging. Names a step, never a value.
 */
export const SIGN_IN_PROGRESS = ['credentials', 'code', 'keys', 'messages'] as const;
export type SignInProgress = (typeof SIGN_IN_PROGRESS)[number];

export const appInfoSchema = z.strictObject({
  name: z.literal('Wardline'),
  version: z.string().max(50),
  /** Which transport carries this API: the packaged app, or the test/development browser host. */
  host: z.enum(['electron', 'browser-host']),
  environment: z.enum(['production', 'development']),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/** What sign-in needs next: the second factor, enrollment of one, or nothing (signed in). */
export const signInStepSchema = z.discriminatedUnion('step', [
  z.strictObject({ step: z.literal('mfa') }),
  /** Show the URI as a QR code and as text for manual entry, then ask for a code. */
  z.strictObject({ step: z.literal('enroll-mfa'), otpauthUri: z.string().max(512) }),
  z.strictObject({ step: z.literal('signed-in'), state: sessionStateSchema }),
]);
export type SignInStep = z.infer<typeof signInStepSchema>;

const text = (max: number) => z.string().max(max);
const time = z.number().int().nonnegative();

const count = z.number().int().nonnegative();

export const connectionStateSchema = z.strictObject({
  /** `offline`: the server cannot be reached; sent messages wait in the encrypted outbox. */
  state: z.enum(['online', 'connecting', 'offline']),
  /** While connecting after time away: feed events stored of those that were waiting (counts only). */
  catchUp: z.strictObject({ stored: count, total: count }).optional(),
});
export type ConnectionState = z.infer<typeof connectionStateSchema>;

export const participantSchema = z.strictObject({
  userId: protocolUserId,
  displayName: text(200),
  role: z.enum(ROLES).nullable(),
  department: text(200).nullable(),
  title: text(200).nullable(),
  /** The contact's identity key changed since it was pinned; sending waits for acceptance. */
  keyChanged: z.boolean(),
});
export type Participant = z.infer<typeof participantSchema>;

export const conversationSummarySchema = z.strictObject({
  id: conversationId,
  kind: z.enum(['direct', 'group', 'role']),
  /**
   * Who the conversation is with: the role address by the directory's name for its id, else the
   * other participants' directory names. Never words a sender chose (those are the subject).
   */
  label: text(500),
  /** The subject its starter typed: a sender's words, shown only as a subject, never as a name. */
  subject: text(200).nullable(),
  unreadCount: z.number().int().nonnegative(),
  lastMessageAt: time.nullable(),
  /** Highest priority among unread messages, so an urgent thread stands out in the list. */
  unreadPriority: z.enum(PRIORITIES).nullable(),
  /**
   * Messages that asked for acknowledgement and have none yet: `incoming` for the clinician to
   * acknowledge, `outgoing` the clinician sent and still waits on.
   */
  awaitingAcknowledgement: z.strictObject({
    incoming: z.number().int().nonnegative(),
    outgoing: z.number().int().nonnegative(),
  }),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const messageViewSchema = z.strictObject({
  id: messageId,
  senderId: protocolUserId,
  senderName: text(200),
  direction: z.enum(['in', 'out']),
  /** Null once recalled or expired: the body is gone from this workstation. */
  text: text(MAX_TEXT_CHARS).nullable(),
  sentAt: time,
  priority: z.enum(PRIORITIES),
  expiresAt: time.nullable(),
  recalledAt: time.nullable(),
  expired: z.boolean(),
  /** For outgoing: pending (in the outbox), held (a recipient's key changed and awaits review), sent (accepted by the server), delivered, read, failed. */
  state: z.enum(['pending', 'held', 'sent', 'delivered', 'read', 'failed', 'received']),
  deliveredCount: z.number().int().nonnegative(),
  readCount: z.number().int().nonnegative(),
  recipientCount: z.number().int().nonnegative(),
  acknowledgement: z.strictObject({
    /** It asks its recipients to acknowledge it. */
    requested: z.boolean(),
    /** Who acknowledged, first first, at the server's time. */
    by: z
      .array(z.strictObject({ userId: protocolUserId, name: text(200), reply: quickReply.nullable(), at: time }))
      .max(101),
    /** The clinician may acknowledge it now: it asks, it is to them, still there, and they have not. */
    canAcknowledge: z.boolean(),
  }),
  /** A STAT message's escalation: each step of its signed plan, when due and when released; re-alerts so far. */
  escalation: z
    .strictObject({
      steps: z
        .array(
          z.strictObject({
            reason: z.enum(ESCALATION_REASONS),
            names: z.array(text(200)).max(100),
            dueAt: time,
            releasedAt: time.nullable(),
          }),
        )
        .max(3),
      realerts: z.number().int().nonnegative(),
      lastRealertAt: time.nullable(),
    })
    .nullable(),
  /** Files it carries (empty for none), as main holds them; bytes only through `attachment.open`. */
  attachments: z.array(attachmentViewSchema).max(10),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const threadSchema = z.strictObject({
  conversation: z.strictObject({
    id: conversationId,
    kind: z.enum(['direct', 'group', 'role']),
    /** As in the list: identities only, by the directory's names. */
    label: text(500),
    /** The sender's words, shown as a subject. */
    subject: text(200).nullable(),
    /** `displayName` is the directory's name for the id, null when the directory does not know it. */
    roleAddress: z.strictObject({ id: roleAddressId, displayName: text(200).nullable() }).nullable(),
    /** The patient the thread is about, if its starter named one. */
    patient: patientContext.nullable(),
    participants: z.array(participantSchema).max(101),
  }),
  /** Oldest first. */
  messages: z.array(messageViewSchema).max(500),
  /** Older messages exist (on this workstation or on the server). */
  more: z.boolean(),
});
export type Thread = z.infer<typeof threadSchema>;

export const recipientSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('user'), userId: protocolUserId }),
  z.strictObject({ kind: z.literal('role'), addressId: roleAddressId }),
]);
export type Recipient = z.infer<typeof recipientSchema>;

/**
 * The sender saw the identifier check's warning and chose Send anyway: the kinds it named. Main
 * scans the text again and lets it go only if these are exactly the kinds it finds now
 * (shared/text/identifier-guard/guard-verdict.ts); a role that policy blocks is refused anyway.
 */
const guardOverride = z.array(z.enum(IDENTIFIER_KINDS)).min(1).max(IDENTIFIER_KINDS.length).optional();

/** A message says something or carries something. */
const hasContent = (request: { text: string; attachments?: readonly string[] | undefined; template?: unknown }) =>
  request.text.length > 0 || (request.attachments?.length ?? 0) > 0 || request.template !== undefined;

/** What every send carries, to a new conversation or into one. */
const messageContent = {
  /** May be empty only when the message carries attachments or comes from a template. */
  text: z.string().trim().max(MAX_TEXT_CHARS),
  priority: z.enum(PRIORITIES),
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .nullable(),
  /** A routine message that asks for acknowledgement (urgent and STAT always do). */
  acknowledgementRequested: z.boolean().default(false),
  guardOverride,
  /** Drafts finished by `attachment.finish` (attachment-channels.ts). */
  attachments: sendAttachments,
  /** Sent from an approved template: main renders the text from it and refuses any other (template-channels.ts). */
  template: templateUse.optional(),
};

export const sendRequestSchema = z.union([
  z
    .strictObject({
      /** A new conversation with these recipients. */
      to: z.array(recipientSchema).min(1).max(20),
      title: text(200).nullable(),
      /** The patient the conversation is about; every access to it is then audited against this reference. */
      patient: patientContext.nullable().default(null),
      ...messageContent,
    })
    .refine(hasContent, { message: 'empty message' }),
  z.strictObject({ conversationId, ...messageContent }).refine(hasContent, { message: 'empty message' }),
]);
export type SendRequest = z.infer<typeof sendRequestSchema>;

/** One record as the compliance view shows it: the record itself and its place in the server's tree. */
export const auditRowSchema = z.strictObject({ treeIndex: z.number().int().nonnegative(), record: auditRecord });

/**
 * What this workstation found when it checked what the server showed it: every record hashes to
 * what it claims, is proven to be in the latest signed head, and that head extends the one this
 * workstation witnessed before. `broken` lists what failed (ids and positions, never content).
 */
export const auditVerificationSchema = z.strictObject({
  status: z.enum(['verified', 'broken', 'empty']),
  headSize: z.number().int().nonnegative(),
  headAt: time.nullable(),
  checked: z.number().int().nonnegative(),
  problems: z
    .array(z.strictObject({ treeIndex: z.number().int().nonnegative().nullable(), problem: z.string().max(200) }))
    .max(20),
});

export const channels = {
  'app.getInfo': { request: empty, response: appInfoSchema, permission: null },
  'system.health': {
    request: empty,
    response: z.strictObject({ status: z.literal('ok'), uptimeSeconds: z.number().nonnegative() }),
    permission: null,
  },
  /** What the sign-in screen may say about the server: only whether it is a demo server. */
  'server.getInfo': { request: empty, response: z.strictObject({ demo: z.boolean() }), permission: null },
  'session.getState': { request: empty, response: sessionStateSchema, permission: null },
  'session.signIn': {
    request: z.strictObject({ userId: userIdSchema, password: passwordSchema }),
    response: signInStepSchema,
    permission: null,
  },
  /**
   * A first sign-in with the one-time enrollment code IT gave (a new account, or after a password
   * reset): the password is the one the person chooses now. Answers as `session.signIn`.
   */
  'session.enroll': {
    request: z.strictObject({
      userId: userIdSchema,
      enrollmentCode: z.string().trim().min(1).max(40),
      password: passwordSchema,
    }),
    response: signInStepSchema,
    permission: null,
  },
  /** The second factor (or the first code of a new enrollment) for the sign-in in progress. */
  'session.verifyMfa': {
    request: z.strictObject({
      code: z
        .string()
        .trim()
        .regex(/^\d{6}$/),
    }),
    response: sessionStateSchema,
    permission: null,
  },
  'session.cancelSignIn': { request: empty, response: sessionStateSchema, permission: null },
  'session.signOut': { request: empty, response: sessionStateSchema, permission: 'session.own' },
  /** The Lock button and shortcut. */
  'session.lock': { request: empty, response: sessionStateSchema, permission: 'session.own' },
  /** From the lock screen: the PIN (if set and allowed) or the password. */
  'session.unlock': {
    request: z.union([z.strictObject({ pin: pinSchema }), z.strictObject({ password: passwordSchema })]),
    response: sessionStateSchema,
    permission: null,
  },
  /** Input in the window (the renderer sends at most one every few seconds): resets the idle time. */
  'session.activity': { request: empty, response: empty, permission: 'session.own' },
  /** Sets or replaces the unlock PIN; the password is needed unless the PIN is `offered`. */
  'session.setPin': {
    request: z.strictObject({ pin: pinSchema, password: passwordSchema.nullable() }),
    response: sessionStateSchema,
    permission: 'session.own',
  },
  /** `Switch user` on the lock screen: the locked user is signed out so another can sign in. */
  'session.switchUser': { request: empty, response: sessionStateSchema, permission: null },
  /** The user's signed-in sessions on every workstation (this one marked `current`). */
  'sessions.list': {
    request: empty,
    response: z.strictObject({ sessions: z.array(sessionSummary).max(100) }),
    permission: 'session.own',
  },
  /** Ends one of the user's other sessions (a workstation left signed in elsewhere). */
  'sessions.end': { request: z.strictObject({ sessionId: z.uuid() }), response: empty, permission: 'session.own' },
  /**
   * The machine-wide policy in force, read-only (the Settings view), with the workstation data
   * folder it resolves to, so IT sees where this computer keeps its data.
   */
  'policy.get': {
    request: empty,
    response: z.strictObject({
      policy: policySchema,
      source: policySourceSchema,
      dataFolder: z.string().min(1).max(1000),
    }),
    permission: null,
  },
  'connection.getState': { request: empty, response: connectionStateSchema, permission: 'session.own' },
  'directory.search': {
    request: z.strictObject({ query: z.string().trim().min(1).max(100) }),
    response: z.strictObject({ entries: z.array(directoryEntry).max(50) }),
    permission: 'messages.use',
  },
  'conversations.list': {
    request: z.strictObject({
      offset: z.number().int().nonnegative().max(1_000_000),
      limit: z.number().int().min(1).max(500),
    }),
    response: z.strictObject({
      items: z.array(conversationSummarySchema).max(500),
      total: z.number().int().nonnegative(),
    }),
    permission: 'messages.use',
  },
  /**
   * Opens a thread (marks it read, sends read receipts) and answers its newest messages.
   * `again`: the thread on screen asked for anew (a message arrived, one was sent or recalled),
   * recorded as opened only if it is not the conversation last opened; what it newly shows is
   * recorded as read either way.
   */
  'conversation.open': {
    request: z.strictObject({ conversationId, again: z.boolean().optional() }),
    response: threadSchema,
    permission: 'messages.use',
  },
  /** Messages older than `before`, from this workstation or, before its first sign-in, the server. */
  'conversation.loadOlder': {
    request: z.strictObject({ conversationId, before: time }),
    response: z.strictObject({ messages: z.array(messageViewSchema).max(500), more: z.boolean() }),
    permission: 'messages.use',
  },
  'message.send': {
    request: sendRequestSchema,
    /** `notReached`: members of a role address left out because they cannot receive yet (never signed in). */
    response: z.strictObject({ conversationId, messageId, notReached: z.array(protocolUserId).max(100) }),
    permission: 'messages.use',
  },
  'message.recall': { request: z.strictObject({ messageId }), response: empty, permission: 'messages.use' },
  /** Acknowledges a message that asks for it, with an optional quick reply (a fixed code, never free text). */
  'message.acknowledge': {
    request: z.strictObject({ messageId, reply: quickReply.nullable() }),
    response: z.strictObject({ acknowledgedAt: time }),
    permission: 'messages.use',
  },
  /** After the warning was shown: pin the contact's new identity key so sending can resume. */
  'contact.acceptKeyChange': {
    request: z.strictObject({ userId: protocolUserId }),
    response: empty,
    permission: 'messages.use',
  },
  /** The signed-in clinician's own availability, as the directory shows it (null: available). */
  'availability.get': {
    request: empty,
    response: z.strictObject({ availability }),
    permission: 'messages.use',
  },
  /** Other people's availability as the directory shows it now (a thread header's participants). */
  'directory.availability': {
    request: z.strictObject({ userIds: z.array(protocolUserId).min(1).max(100) }),
    response: z.strictObject({
      people: z.array(z.strictObject({ userId: protocolUserId, availability })).max(100),
    }),
    permission: 'messages.use',
  },
  /** Sets the signed-in clinician's own availability (nobody else's: there is no user to name). */
  'availability.set': {
    request: z.strictObject({ availability: availabilityRequest }),
    response: z.strictObject({ availability }),
    permission: 'messages.use',
  },
  /** Compliance officers only: the router refuses every other role before main does anything. */
  'audit.search': {
    request: z.strictObject({ filter: auditSearchFilter, afterIndex: z.number().int().min(-1) }),
    response: z.strictObject({
      records: z.array(auditRowSchema).max(500),
      more: z.boolean(),
      verification: auditVerificationSchema,
      alerts: z.array(auditAlert).max(1000),
    }),
    permission: 'audit.read',
  },
  /** The selection, verified, saved as a FHIR R4 Bundle in the workstation's exports folder. */
  'audit.export': {
    request: z.strictObject({ filter: auditSearchFilter }),
    response: z.strictObject({
      fileName: z.string().max(120),
      records: z.number().int().nonnegative(),
      verification: auditVerificationSchema,
    }),
    permission: 'audit.read',
  },
  /** Picking, opening and saving attachments (attachment-channels.ts). */
  ...attachmentChannels,
  /** Message search over this workstation's vault (search-channels.ts). */
  ...searchChannels,
  /** Approved message templates for compose (template-channels.ts). */
  ...templateChannels,
  /** A department lead keeping their department's templates (lead-channels.ts). */
  ...leadChannels,
  /** Compliance officers only: legal holds on messages (hold-channels.ts). */
  ...holdChannels,
  /** IT admins only: the Administration view (admin-channels.ts). */
  ...adminChannels,
} as const satisfies Record<`${string}.${string}`, ChannelSpec>;

export type Contract = Record<string, ChannelSpec>;
export type ChannelName = keyof typeof channels;
export type RequestOf<C extends ChannelName> = z.input<(typeof channels)[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<(typeof channels)[C]['response']>;

/** Main-to-renderer events. Payloads are validated in preload before any listener sees them. */
export const events = {
  'session.changed': sessionStateSchema,
  /** The step a sign-in or unlock is at, or null once it has ended either way. */
  'session.progress': z.strictObject({ step: z.enum(SIGN_IN_PROGRESS).nullable() }),
  /** The idle countdown: when the screen will lock, or null once input cancelled it. */
  'session.lockWarning': z.strictObject({ lockAt: time.nullable() }),
  /** An OS notification to show: decided by main/notifications/ (never message text). */
  'notification.show': z.strictObject({ title: z.literal('Wardline'), body: z.string().max(120) }),
  /** Unread incoming messages, for the taskbar or tray badge. */
  'badge.changed': z.strictObject({ unread: z.number().int().nonnegative() }),
  'connection.changed': connectionStateSchema,
  /** Something in the list changed; the renderer asks again. Carries no PHI. */
  'conversations.changed': z.strictObject({}),
  /** Messages of one conversation changed (new, receipt, recall, expiry); the renderer asks again. */
  'thread.changed': z.strictObject({ conversationId }),
} as const satisfies Record<`${string}.${string}`, z.ZodType>;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
