/**
 * The audit event catalogue, in one place: every action Wardline records, and the one shape a
 * record takes. Who (user and role), what (action), which object (conversation, message,
 * patient reference, setting, account, vault, search, workstation), when (UTC and the device's sequence
 * number), where (workstation), and the outcome with a reason code.
 *
 * There is no free-text field anywhere: every value is an enumerated word, an identifier of a
 * fixed form, a number or a time. Message text, search text, names and passwords have nowhere
 * to go, and an identifier field that is handed anything else is refused (the caller records
 * the event without it, never with it).
 */
import { z } from 'zod';
import { ROLES } from '../access/permission-matrix';
import { POLICY_KEYS } from '../policy/policy-schema';
import { availabilityState } from '../protocol/availability';
import { epochMs, patientReference, roleAddressId, userId, uuid } from '../protocol/identifiers';
import { IDENTIFIER_KINDS, MAX_IDENTIFIER_COUNT } from '../text/identifier-guard/identifier-kinds';
import { err, ok, type Result } from '../result';

/** Most role addresses a server retention record counts (far more than a hospital has). */
const MAX_ROLE_ADDRESS_BOUNDS = 1_000_000;

export const AUDIT_ACTIONS = [
  'sign-in.succeeded',
  'sign-in.failed',
  'mfa.failed',
  'account.locked-out',
  'session.locked',
  'session.unlocked',
  'session.auto-logoff',
  'session.signed-out',
  'session.user-switched',
  'conversation.opened',
  'message.sent',
  'message.received',
  'message.read',
  'message.recalled',
  'message.expired',
  /** A recipient acknowledged it (shared/protocol/acknowledgement.ts); the server records accepting it too. */
  'message.acknowledged',
  /** The server released a STAT message to its escalation plan's next step (shared/protocol/escalation.ts). */
  'message.escalated',
  'search.performed',
  'attachment.opened',
  /** Saved to disk, where machine policy allows it (main/attachments/). */
  'attachment.saved',
  'export.created',
  'key-change.shown',
  'key-change.accepted',
  'policy.loaded',
  'policy.rejected',
  'admin.action',
  'vault.created',
  'vault.shredded',
  'vault.purged',
  /** The workstation found the server's acknowledgement or tree head does not add up. */
  'audit.alert',
  /** What the server itself served, on its own chain (server/audit/served-events.ts). */
  'session.issued',
  'session.ended',
  'message.accepted',
  'history.read',
  /** A clinician set their own availability (main/messaging/availability.ts). */
  'availability.changed',
  /**
   * The minimum-necessary guard (main/messaging/identifier-check.ts) found identifiers in a message
   * being sent: the sender was warned, sent it anyway after the warning, or was refused by
   * policy. Kinds and counts only: the text, and where in it they were, are never recorded.
   */
  'guard.warned',
  'guard.overridden',
  'guard.blocked',
  /**
   * A message was sent from an approved template (main/messaging/template-send.ts), recorded with
   * its `message.sent`: the template by id, never the values filled in.
   */
  'template.used',
  /**
   * The workstation's retention job (main/messaging/message-retention.ts) removed a clinician's
   * messages older than machine policy's bound from their vault: the bound and counts only.
   */
  'vault.retention-applied',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export { patientReference };

/** A DNS name or an IP address (v6 without brackets): never free text. */
export const siemHost = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9:][A-Za-z0-9.:-]*$/);

/** The object an event is about: identified by id only. A search is recorded without its text. */
export const auditObject = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('conversation'), id: uuid }),
  z.strictObject({ kind: z.literal('message'), id: uuid, conversationId: uuid }),
  z.strictObject({ kind: z.literal('patient'), id: patientReference }),
  z.strictObject({ kind: z.literal('setting'), id: z.enum(POLICY_KEYS as [string, ...string[]]) }),
  z.strictObject({ kind: z.literal('account'), id: userId }),
  /** A vault by its folder id (a hash of the user id, see main/vault/vault-layout.ts). */
  z.strictObject({ kind: z.literal('vault'), id: z.string().regex(/^[0-9a-f]{32}$/) }),
  z.strictObject({ kind: z.literal('search'), resultCount: z.number().int().nonnegative().max(100_000) }),
  /** A legal hold by its id, and whose records it covers (null: the whole trail). */
  z.strictObject({ kind: z.literal('legal-hold'), id: uuid, userId: userId.nullable() }),
  /** A role address, and the member added or removed (null: the address itself was saved). */
  z.strictObject({ kind: z.literal('role-address'), id: roleAddressId, userId: userId.nullable() }),
  /**
   * A registered workstation by its device id, and whose vault there (null: the whole
   * workstation): IT revoking or wiping it, a person's vault wiped there.
   */
  z.strictObject({ kind: z.literal('workstation'), id: uuid, userId: userId.nullable() }),
  /** A purge of audit content: records received before `receivedBefore`, `records` of them. */
  z.strictObject({ kind: z.literal('audit-purge'), receivedBefore: epochMs, records: z.number().int().nonnegative() }),
  /** Where the trail is forwarded: host, port and the first 128 bits of its CA's SHA-256. */
  z.strictObject({
    kind: z.literal('siem-destination'),
    host: siemHost,
    port: z.number().int().min(1).max(65_535),
    caSha256: z.string().regex(/^[0-9a-f]{32}$/),
  }),
  /**
   * A server session: whose, on which workstation, and until when (issued: when it expires at
   * the latest; ended: when it ended). The server's chain carries these so that a record a
   * workstation makes in a person's name can be checked against that person's sessions there.
   */
  z.strictObject({ kind: z.literal('session'), id: uuid, userId, workstationId: uuid, until: epochMs }),
  /**
   * A person's availability as they set it: their account, the enumerated state and, off duty,
   * the covering colleague by id. No reason, no note: there is no field for one.
   */
  z.strictObject({
    kind: z.literal('availability'),
    id: userId,
    state: availabilityState,
    coverUserId: userId.nullable(),
  }),
  /**
   * What the minimum-necessary guard found in a message being sent: each kind once, in the
   * catalogue's order, with how many; the conversation it was for (null: a new one not yet
   * begun). Enumerated words and numbers: no part of the text has a field to go in.
   */
  z.strictObject({
    kind: z.literal('identifiers'),
    conversationId: uuid.nullable(),
    found: z
      .array(
        z.strictObject({
          identifier: z.enum(IDENTIFIER_KINDS),
          count: z.number().int().min(1).max(MAX_IDENTIFIER_COUNT),
        }),
      )
      .min(1)
      .max(IDENTIFIER_KINDS.length)
      .refine(
        (found) =>
          found.every(
            (entry, i) =>
              i === 0 ||
              IDENTIFIER_KINDS.indexOf(entry.identifier) > IDENTIFIER_KINDS.indexOf(found[i - 1]?.identifier ?? 'ssn'),
          ),
        { message: 'each kind once, in catalogue order' },
      ),
  }),
  /** An approved message template by its id (IT changing it, or a message sent from it); never its text. */
  z.strictObject({ kind: z.literal('template'), id: uuid }),
  /**
   * An eDiscovery package the server exported, named by its digest (SHA-256 of the package's
   * canonical bytes, shared/protocol/ediscovery-package.ts): the package carries this record, so
   * whoever opens it can show the server's signed chain vouches for exactly what it holds.
   */
  z.strictObject({ kind: z.literal('ediscovery-package'), id: z.string().regex(/^[0-9a-f]{64}$/) }),
  /**
   * A run of message retention: the bound's days, the acceptance time before which messages went
   * (`removedBefore`), and how many messages and attachments went. Counts only: no message is
   * named, so the record says nothing of what they were about. A workstation's run (local, by
   * machine policy) or the server's (its ciphertext, by server option, up to a hundred years).
   *
   * The server's run applies its organisation bound to every message but those of role addresses
   * with a bound of their own: its record of the organisation's bound says how many such
   * addresses there were (`roleAddressBounds`), and each address whose bound removed something
   * has a record of its own naming it (`roleAddress`; an address id is not PHI). Both absent from
   * records made before them, whose canonical bytes are then exactly as they were.
   */
  z.strictObject({
    kind: z.literal('message-retention'),
    days: z.number().int().min(1).max(36_500),
    removedBefore: epochMs,
    messages: z.number().int().nonnegative(),
    attachments: z.number().int().nonnegative(),
    roleAddress: roleAddressId.optional(),
    roleAddressBounds: z.number().int().nonnegative().max(MAX_ROLE_ADDRESS_BOUNDS).optional(),
  }),
  z.strictObject({ kind: z.literal('none') }),
]);
export type AuditObject = z.infer<typeof auditObject>;

/**
 * Which objects each action may name: the catalogue's second half. `none` where the event can
 * exist without one (a lock, a refusal that could not tie itself to an account, or a refused
 * search or export, which found nothing to count). The builder (audit-event-builder.ts) turns
 * this into a type, so a call site cannot pair them otherwise.
 */
export const ACTION_OBJECTS = {
  'sign-in.succeeded': ['none'],
  'sign-in.failed': ['account', 'none'],
  'mfa.failed': ['account', 'none'],
  'account.locked-out': ['account', 'none'],
  'session.locked': ['none'],
  'session.unlocked': ['none'],
  'session.auto-logoff': ['account', 'none'],
  'session.signed-out': ['account', 'none'],
  'session.user-switched': ['account', 'none'],
  'conversation.opened': ['conversation'],
  'message.sent': ['message'],
  'message.received': ['message'],
  'message.read': ['message'],
  'message.recalled': ['message'],
  'message.expired': ['message'],
  'message.acknowledged': ['message'],
  'message.escalated': ['message'],
  'search.performed': ['search', 'none'],
  'attachment.opened': ['message'],
  'attachment.saved': ['message'],
  'export.created': ['search', 'none'],
  'key-change.shown': ['account'],
  'key-change.accepted': ['account'],
  'policy.loaded': ['setting', 'none'],
  'policy.rejected': ['setting', 'none'],
  'admin.action': [
    'account',
    'legal-hold',
    'role-address',
    'audit-purge',
    'message-retention',
    'siem-destination',
    'workstation',
    'template',
    'ediscovery-package',
    'none',
  ],
  'vault.created': ['vault'],
  'vault.shredded': ['vault'],
  'vault.purged': ['vault'],
  'audit.alert': ['none'],
  'session.issued': ['session'],
  'session.ended': ['session'],
  'message.accepted': ['message'],
  'history.read': ['conversation'],
  'availability.changed': ['availability'],
  'guard.warned': ['identifiers'],
  'guard.overridden': ['identifiers'],
  'guard.blocked': ['identifiers'],
  'template.used': ['template'],
  'vault.retention-applied': ['message-retention'],
} as const satisfies Record<AuditAction, readonly AuditObject['kind'][]>;

export const auditRecord = z.strictObject({
  /** The acting user; null before anyone is signed in (a refused sign-in names no account). */
  actor: z.strictObject({ userId: userId.nullable(), role: z.enum(ROLES).nullable() }),
  action: z.enum(AUDIT_ACTIONS),
  object: auditObject,
  /** The patient the object concerns (a conversation's patient reference), so compliance can ask "who saw this patient". */
  patient: patientReference.nullable(),
  /** UTC, ms since the epoch. */
  at: z.number().int().nonnegative(),
  /** This workstation's sequence number: gaps and reordering show. */
  seq: z.number().int().nonnegative(),
  workstationId: uuid,
  outcome: z.enum(['success', 'failure']),
  /** A reason code for a failure (an app error code), never a message. */
  reason: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{1,39}$/)
    .nullable(),
});
export type AuditRecord = z.infer<typeof auditRecord>;

/** The record, or the paths of the fields the catalogue refuses. */
export type AuditRecordResult = Result<AuditRecord, readonly string[]>;

/** Checks a record; a field that is not what the catalogue allows is named, its value never. */
export function checkAuditRecord(input: unknown): AuditRecordResult {
  const parsed = auditRecord.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  return err([...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.') || '(record)'))]);
}
