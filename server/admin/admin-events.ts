/**
 * The record of every administrative action that is not an access change (those are
 * account_events): an account created, a person made lead of their department or no longer, a
 * role address saved, created or renamed, its members, on-call shifts, escalation times and
 * retention bound changed, a message template created, changed, retired or restored (by IT or a department
 * lead), a workstation revoked (its sessions end beside it), a legal hold placed or released,
 * audit records purged, expired messages deleted by retention, SIEM forwarding switched on, off or elsewhere, an account locked out by
 * failed sign-ins (the server's own doing) and unlocked by IT, a person's directory entry changed
 * by SCIM, a SCIM token issued or revoked.
 * Who, what, to which object, and for a purge how many records received before when; never
 * names or content. Written in the transaction of the change (or by the purge function itself)
 * and folded into the server's audit chain afterwards (server/audit/server-trail.ts). The rows
 * themselves are read and written by admin-event-store.ts.
 */
import { userId as userIdSchema } from '../../shared/protocol/identifiers';

export const ADMIN_EVENT_ACTIONS = [
  'account.created',
  'role-address.saved',
  'role-address.created',
  'role-address.updated',
  'role-address.member-added',
  'role-address.member-removed',
  // On-call shifts (server/directory/role-shift-admin.ts): the person on call is the target; an
  // import names none and counts the shifts it stored in `affected`.
  'role-address.shift-added',
  'role-address.shift-updated',
  'role-address.shift-deleted',
  'role-address.shifts-imported',
  // A role address's own escalation times set, or cleared back to the organisation's
  // (server/directory/role-escalation-admin.ts); the times are not recorded, the address is.
  'role-address.escalation-set',
  'role-address.escalation-cleared',
  // A role address's own message retention bound set (its days in `retentionDays`), or cleared
  // back to the organisation's (server/directory/role-retention-admin.ts).
  'role-address.retention-set',
  'role-address.retention-cleared',
  // A person made lead of their department, or no longer (server/accounts/department-lead.ts): the
  // person is the target; the department is the accounts row's, not the trail's.
  'account.lead-set',
  'account.lead-cleared',
  // Approved message templates (server/templates/template-admin.ts, by IT, and lead-templates.ts,
  // by a department lead, who is then the actor): the template by id, never its text.
  'template.created',
  'template.updated',
  'template.retired',
  'template.restored',
  'legal-hold.placed',
  'legal-hold.released',
  // Legal holds on messages (server/holds/message-holds.ts): the hold by id, its custodian as the
  // target (none for a conversation's); never the matter's name, which may name a party.
  'message-hold.placed',
  'message-hold.released',
  // A matter's held messages exported for eDiscovery: the package by its digest in `subject`, how
  // many messages it holds in `affected` (server/holds/matter-export.ts).
  'matter.exported',
  'audit.purged',
  // A message retention run (server/retention/message-retention-run.ts): how many envelopes and
  // attachment blobs it deleted, accepted before which time, under a bound of how many days. The
  // organisation's bound says how many role addresses had their own (`roleAddressBounds`); an
  // address whose own bound deleted something has a row of its own naming it in `subject`.
  'message-retention.ran',
  'siem.enabled',
  'siem.disabled',
  'siem.changed',
  'account.locked-out',
  'account.unlocked',
  'enrollment.issued',
  'account.enrolled',
  'mfa.reset',
  'password.reset',
  'device.revoked',
  /** A person's name, title, department or directory id changed (SCIM provisioning). */
  'account.updated',
  'scim-token.issued',
  'scim-token.revoked',
  // Remote wipe (server/devices/): queued by IT, fetched by the workstation, reported done by it.
  'workstation.wipe-queued',
  'user.wipe-queued',
  'workstation.command-delivered',
  'workstation.wiped',
  'workstation.wiped-audit-kept',
  'user.wiped',
] as const;
export type AdminEventAction = (typeof ADMIN_EVENT_ACTIONS)[number];

export interface AdminEvent {
  readonly at: number;
  /** A user id, `server-operator` for the programmatic admin API, or a SCIM token's actor id. */
  readonly actor: string;
  readonly action: AdminEventAction;
  /** The account acted on, or whose records a hold covers; null for none or the whole trail. */
  readonly targetUserId: string | null;
  /** The object's own id where it is not an account: a hold id, a role address, a SIEM destination, a device id, a SCIM token. */
  readonly subject: string | null;
  /** A purge: how many records lost their content. A shift import: how many shifts it stored. A retention run: envelopes deleted. */
  readonly affected: number | null;
  /** A purge: records received before this time were eligible. A retention run: envelopes accepted before it. */
  readonly receivedBefore: number | null;
  /** A message retention run: its bound in days. A role address's own bound set: its days. */
  readonly retentionDays: number | null;
  /** A message retention run: attachment blobs deleted with the envelopes. */
  readonly blobsAffected: number | null;
  /** A message retention run's organisation bound: how many role addresses had a bound of their own. */
  readonly roleAddressBounds: number | null;
  readonly outcome: 'success' | 'failure';
  /** A failure's code. */
  readonly reason: string | null;
}

/** The actor of what the server does by itself (a lockout): no user id, so the trail names no one. */
export const SERVER_ITSELF = '(server)';
/** The actor of what a workstation reports of itself (a wipe done): no one, with the workstation as the object. */
export const WORKSTATION_ITSELF = '(workstation)';

/** Admin input that cannot be recorded as given; carries a code, never the input. */
export class AdminInputError extends Error {
  constructor(readonly code: 'INVALID_ACTOR' | 'INVALID_USER') {
    super(`Administrative action refused (${code}).`);
    this.name = 'AdminInputError';
  }
}

export const isUserId = (value: string): boolean => userIdSchema.safeParse(value).success;

/** The actor goes into the trail as a user id: anything else is refused before the action. */
export function checkedActor(actor: string): string {
  if (!isUserId(actor)) throw new AdminInputError('INVALID_ACTOR');
  return actor;
}

/** So is the account acted on. */
export function checkedUserId(userId: string): string {
  if (!isUserId(userId)) throw new AdminInputError('INVALID_USER');
  return userId;
}
