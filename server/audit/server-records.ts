/**
 * What each outbox row becomes on the server's chain (server-trail.ts folds them): an account or
 * admin event as the catalogue's `admin.action` with its reason code (or `account.locked-out`),
 * a served event as written at its source. Every record is built by the catalogue's builder.
 *
 * Pure. The rows come from the database, so nothing about them is known to fit: both outboxes
 * are written by checked code, but a row that would not fit the catalogue (a hand-written actor,
 * say) must not stop the fold forever. Such a field is left out (an unknown actor, no object),
 * never carried as it is.
 */
import type { Role } from '../../shared/access/permission-matrix';
import type { AuditRecord } from '../../shared/audit/audit-event';
import {
  auditEvent,
  checkedAuditEvent,
  type AuditActor,
  type AuditEvent,
  type ObjectOf,
} from '../../shared/audit/audit-event-builder';
import type { AccountEventAction } from '../accounts/account-events';
import { roleAddressId } from '../../shared/protocol/identifiers';
import { isUserId, type AdminEventAction } from '../admin/admin-events';
import { siemDestinationObject } from '../admin/siem-configuration';
import { SERVED_ACTIONS } from './served-events';
import type { ServedRow } from './served-event-store';

/** The reason code each event is recorded with, under the catalogue's `admin.action`. */
const REASONS: Record<AccountEventAction | AdminEventAction, string> = {
  'account.deactivated': 'ACCOUNT_DEACTIVATED',
  'account.reactivated': 'ACCOUNT_REACTIVATED',
  'sessions.revoked': 'SESSIONS_REVOKED',
  'session.ended-by-user': 'SESSION_ENDED_BY_USER',
  'account.created': 'ACCOUNT_CREATED',
  'role-address.saved': 'ROLE_ADDRESS_SAVED',
  'role-address.created': 'ROLE_ADDRESS_CREATED',
  'role-address.updated': 'ROLE_ADDRESS_UPDATED',
  'role-address.member-added': 'ROLE_MEMBER_ADDED',
  'role-address.member-removed': 'ROLE_MEMBER_REMOVED',
  'role-address.shift-added': 'ROLE_SHIFT_ADDED',
  'role-address.shift-updated': 'ROLE_SHIFT_UPDATED',
  'role-address.shift-deleted': 'ROLE_SHIFT_DELETED',
  'role-address.shifts-imported': 'ROLE_SHIFTS_IMPORTED',
  'role-address.escalation-set': 'ROLE_ESCALATION_SET',
  'role-address.escalation-cleared': 'ROLE_ESCALATION_CLEARED',
  'role-address.retention-set': 'ROLE_RETENTION_SET',
  'role-address.retention-cleared': 'ROLE_RETENTION_CLEARED',
  'account.lead-set': 'DEPARTMENT_LEAD_SET',
  'account.lead-cleared': 'DEPARTMENT_LEAD_CLEARED',
  'template.created': 'TEMPLATE_CREATED',
  'template.updated': 'TEMPLATE_UPDATED',
  'template.retired': 'TEMPLATE_RETIRED',
  'template.restored': 'TEMPLATE_RESTORED',
  'legal-hold.placed': 'LEGAL_HOLD_PLACED',
  'legal-hold.released': 'LEGAL_HOLD_RELEASED',
  'message-hold.placed': 'MESSAGE_HOLD_PLACED',
  'message-hold.released': 'MESSAGE_HOLD_RELEASED',
  'matter.exported': 'MATTER_EXPORTED',
  'audit.purged': 'AUDIT_PURGED',
  'message-retention.ran': 'MESSAGE_RETENTION_RUN',
  'siem.enabled': 'SIEM_FORWARDING_ENABLED',
  'siem.disabled': 'SIEM_FORWARDING_DISABLED',
  'siem.changed': 'SIEM_DESTINATION_CHANGED',
  'account.locked-out': 'ACCOUNT_LOCKED_OUT',
  'account.unlocked': 'ACCOUNT_UNLOCKED',
  'enrollment.issued': 'ENROLLMENT_CODE_ISSUED',
  'account.enrolled': 'ACCOUNT_ENROLLED',
  'mfa.reset': 'MFA_RESET',
  'password.reset': 'PASSWORD_RESET',
  'device.revoked': 'DEVICE_REVOKED',
  'account.updated': 'ACCOUNT_UPDATED',
  'scim-token.issued': 'SCIM_TOKEN_ISSUED',
  'scim-token.revoked': 'SCIM_TOKEN_REVOKED',
  'workstation.wipe-queued': 'WORKSTATION_WIPE_QUEUED',
  'user.wipe-queued': 'USER_WIPE_QUEUED',
  'workstation.command-delivered': 'WIPE_DELIVERED',
  'workstation.wiped': 'WORKSTATION_WIPED',
  'workstation.wiped-audit-kept': 'WORKSTATION_WIPED_AUDIT_KEPT',
  'user.wiped': 'USER_VAULT_WIPED',
};

/** Catalogue actions of their own; every other event is an `admin.action` with its reason code. */
const ACTIONS: Partial<Record<AccountEventAction | AdminEventAction, 'account.locked-out'>> = {
  'account.locked-out': 'account.locked-out',
};

/** One account or admin outbox row, ready to become a record of the server's chain. */
export interface TrailEvent {
  readonly at: number;
  readonly actor: string;
  readonly action: AccountEventAction | AdminEventAction;
  readonly targetUserId: string | null;
  readonly subject: string | null;
  readonly affected: number | null;
  readonly receivedBefore: number | null;
  readonly retentionDays: number | null;
  readonly blobsAffected: number | null;
  readonly roleAddressBounds: number | null;
  readonly outcome: 'success' | 'failure';
  readonly reason: string | null;
}

const REASON_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;
const PACKAGE_DIGEST = /^[0-9a-f]{64}$/;

/** The object an event is about, in full: which hold, which role address and member, which purge or retention run (and role address), which destination, which workstation. */
function objectOf(event: TrailEvent): ObjectOf<'admin.action'> {
  const account = event.targetUserId;
  const target = account !== null && isUserId(account) ? account : null;
  switch (event.action) {
    case 'legal-hold.placed':
    case 'legal-hold.released':
    case 'message-hold.placed':
    case 'message-hold.released':
      return event.subject === null ? { kind: 'none' } : { kind: 'legal-hold', id: event.subject, userId: target };
    case 'role-address.saved':
    case 'role-address.created':
    case 'role-address.updated':
    case 'role-address.member-added':
    case 'role-address.member-removed':
    case 'role-address.shift-added':
    case 'role-address.shift-updated':
    case 'role-address.shift-deleted':
    case 'role-address.shifts-imported':
    case 'role-address.escalation-set':
    case 'role-address.escalation-cleared':
    case 'role-address.retention-set':
    case 'role-address.retention-cleared':
      return event.subject === null ? { kind: 'none' } : { kind: 'role-address', id: event.subject, userId: target };
    case 'template.created':
    case 'template.updated':
    case 'template.retired':
    case 'template.restored':
      return event.subject === null ? { kind: 'none' } : { kind: 'template', id: event.subject };
    case 'matter.exported':
      return event.subject !== null && PACKAGE_DIGEST.test(event.subject)
        ? { kind: 'ediscovery-package', id: event.subject }
        : { kind: 'none' };
    case 'audit.purged':
      // A refused purge removed nothing and never came to a bound.
      return event.affected === null || event.receivedBefore === null
        ? { kind: 'none' }
        : { kind: 'audit-purge', receivedBefore: event.receivedBefore, records: event.affected };
    case 'message-retention.ran':
      // A run refused before it came to a bound (another held the job) deleted nothing.
      return event.affected === null ||
        event.receivedBefore === null ||
        event.retentionDays === null ||
        event.blobsAffected === null
        ? { kind: 'none' }
        : {
            kind: 'message-retention',
            days: event.retentionDays,
            removedBefore: event.receivedBefore,
            messages: event.affected,
            attachments: event.blobsAffected,
            // A role address's own bound names it; the organisation's counts how many had one.
            ...(event.subject !== null && roleAddressId.safeParse(event.subject).success
              ? { roleAddress: event.subject }
              : {}),
            ...(event.roleAddressBounds === null ? {} : { roleAddressBounds: event.roleAddressBounds }),
          };
    case 'siem.enabled':
    case 'siem.changed':
    case 'siem.disabled':
      return siemDestinationObject(event.subject);
    case 'device.revoked':
    case 'workstation.wipe-queued':
    case 'user.wipe-queued':
    case 'workstation.command-delivered':
    case 'workstation.wiped':
    case 'workstation.wiped-audit-kept':
    case 'user.wiped':
      // The workstation, and whose vault there; a person with no workstation to wipe: the account.
      if (event.subject !== null) return { kind: 'workstation', id: event.subject, userId: target };
      return target === null ? { kind: 'none' } : { kind: 'account', id: target };
    default:
      return target === null ? { kind: 'none' } : { kind: 'account', id: target };
  }
}

/** Whoever a row names, if a user id, in the role the accounts table gives them; else no one. */
function actorOf(userId: string | null, roles: ReadonlyMap<string, Role>): AuditActor {
  const actor = userId !== null && isUserId(userId) ? userId : null;
  return { userId: actor, role: actor === null ? null : (roles.get(actor) ?? null) };
}

/** The record a built event becomes at its place in the server's chain. */
function placed(event: AuditEvent, at: number, seq: number, chainId: string): AuditRecord {
  const { actor, action, object, patient, outcome, reason } = event;
  return { actor, action, object, patient, at, seq, workstationId: chainId, outcome, reason };
}

/** The record for an account or admin event; an object that does not read as one is left out. */
export function recordOf(
  event: TrailEvent,
  roles: ReadonlyMap<string, Role>,
  chainId: string,
  seq: number,
): AuditRecord {
  const failure =
    event.outcome === 'failure' && event.reason !== null && REASON_CODE.test(event.reason) ? event.reason : null;
  const said = {
    action: ACTIONS[event.action] ?? ('admin.action' as const),
    actor: actorOf(event.actor, roles),
    outcome: event.outcome,
    reason: failure ?? REASONS[event.action],
  };
  const built = checkedAuditEvent({ ...said, object: objectOf(event) }) ?? auditEvent(said);
  return placed(built, event.at, seq, chainId);
}

/**
 * A served event's record: as written at the source, or without what no longer reads. An
 * action the catalogue does not list, or one whose object it refuses and that cannot be
 * recorded without one, is recorded as an `admin.action` about nothing.
 */
export function servedRecordOf(
  row: ServedRow,
  roles: ReadonlyMap<string, Role>,
  chainId: string,
  seq: number,
): AuditRecord {
  const said = {
    action: (SERVED_ACTIONS as readonly string[]).includes(row.action) ? row.action : 'admin.action',
    actor: actorOf(row.actor, roles),
    outcome: row.outcome,
    reason: row.reason !== null && REASON_CODE.test(row.reason) ? row.reason : null,
  };
  const built =
    checkedAuditEvent({ ...said, object: row.object ?? { kind: 'none' } }) ??
    checkedAuditEvent(said) ??
    auditEvent({ ...said, action: 'admin.action' });
  return placed(built, row.at, seq, chainId);
}
