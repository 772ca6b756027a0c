/**
 * How the compliance view words the audit trail: each action, each kind of object, each alert
 * about the trail, and the times. Records hold ids and codes only (no PHI), so everything here
 * is a fixed word or an identifier. Pure, so the wording is tested without a browser; it imports
 * types only, so the catalogue's schemas stay out of the page bundle.
 */
import type { AuditAlertKind } from './audit-types';
import type { AuditAction, AuditObject, AuditRecord } from '../../../shared/audit/audit-event';
import type { AvailabilityState } from '../../../shared/protocol/availability';
import { foundPhrase } from '../messaging/guard/identifier-words';

const AVAILABILITY_WORDS: Record<AvailabilityState, string> = {
  available: 'available',
  busy: 'busy',
  dnd: 'do not disturb',
  'off-duty': 'off duty',
};

/** Every action in the catalogue (the type makes it exhaustive), in the catalogue's order. */
const ACTION_LABELS: Record<AuditAction, string> = {
  'sign-in.succeeded': 'Signed in',
  'sign-in.failed': 'Sign-in failed',
  'mfa.failed': 'Authentication code failed',
  'account.locked-out': 'Account locked out',
  'session.locked': 'Session locked',
  'session.unlocked': 'Session unlocked',
  'session.auto-logoff': 'Signed out automatically',
  'session.signed-out': 'Signed out',
  'session.user-switched': 'User switched',
  'conversation.opened': 'Conversation opened',
  'message.sent': 'Message sent',
  'message.received': 'Message received',
  'message.read': 'Message read',
  'message.recalled': 'Message recalled',
  'message.expired': 'Message expired',
  'message.acknowledged': 'Message acknowledged',
  'message.escalated': 'Message escalated (server)',
  'search.performed': 'Search performed',
  'attachment.opened': 'Attachment opened',
  'attachment.saved': 'Attachment saved',
  'export.created': 'Export created',
  'key-change.shown': 'Key change shown',
  'key-change.accepted': 'Key change accepted',
  'policy.loaded': 'Policy loaded',
  'policy.rejected': 'Policy rejected',
  'admin.action': 'Administrative action',
  'vault.created': 'Vault created',
  'vault.shredded': 'Vault shredded',
  'vault.purged': 'Vault purged',
  'audit.alert': 'Audit alert',
  'session.issued': 'Session issued (server)',
  'session.ended': 'Session ended (server)',
  'message.accepted': 'Message accepted (server)',
  'history.read': 'History served (server)',
  'availability.changed': 'Availability changed',
  'guard.warned': 'Identifiers flagged before sending',
  'guard.overridden': 'Identifiers sent after a warning',
  'guard.blocked': 'Identifiers refused by policy',
  'template.used': 'Message sent from a template',
  'vault.retention-applied': 'Old messages removed from a workstation by policy',
};

export function actionLabel(action: AuditAction): string {
  return ACTION_LABELS[action];
}

/** The Action filter's choices: every action, by its label. */
export const ACTION_OPTIONS: readonly { readonly value: AuditAction; readonly label: string }[] = (
  Object.keys(ACTION_LABELS) as AuditAction[]
).map((value) => ({
  value,
  label: ACTION_LABELS[value],
}));

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(ACTION_LABELS, value);
}

/** The first block of a UUID (or the first 8 characters of a hex id): enough to tell rows apart. */
export function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

/** The object an event concerns, as the table shows it; `full` is the whole id for a tooltip. */
export interface ObjectText {
  readonly text: string;
  readonly full: string | null;
}

/** A purge bound past year 9999 is allowed by the catalogue but is no date anyone can read. */
const LAST_ISO_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function objectText(object: AuditObject): ObjectText {
  switch (object.kind) {
    case 'conversation':
      return { text: `Conversation ${shortId(object.id)}`, full: object.id };
    case 'message':
      return { text: `Message ${shortId(object.id)}`, full: `${object.id} in conversation ${object.conversationId}` };
    case 'patient':
      return { text: `Patient ${object.id}`, full: null };
    case 'setting':
      return { text: `Setting ${object.id}`, full: null };
    case 'account':
      return { text: `Account ${object.id}`, full: null };
    case 'vault':
      return { text: `Vault ${shortId(object.id)}`, full: object.id };
    case 'search':
      return {
        text: `Search: ${String(object.resultCount)} ${object.resultCount === 1 ? 'result' : 'results'}`,
        full: null,
      };
    case 'legal-hold':
      return { text: `Legal hold ${shortId(object.id)} on ${object.userId ?? 'the whole trail'}`, full: object.id };
    case 'role-address':
      return {
        text:
          object.userId === null ? `Role address ${object.id}` : `Role address ${object.id}, member ${object.userId}`,
        full: null,
      };
    case 'workstation':
      return {
        text:
          object.userId === null
            ? `Workstation ${shortId(object.id)}`
            : `Vault of ${object.userId} on workstation ${shortId(object.id)}`,
        full: object.id,
      };
    case 'audit-purge':
      return {
        text: `Purge: ${String(object.records)} ${object.records === 1 ? 'record' : 'records'} received before ${object.receivedBefore <= LAST_ISO_MS ? utcTime(object.receivedBefore).slice(0, 10) : '—'}`,
        full: object.receivedBefore <= LAST_ISO_MS ? `Received before ${utcTime(object.receivedBefore)}` : null,
      };
    case 'message-retention': {
      // A server run: a role address's own bound names it; the organisation's counts how many had one.
      const whose = object.roleAddress === undefined ? '' : ` for ${object.roleAddress}`;
      const others =
        object.roleAddressBounds === undefined || object.roleAddressBounds === 0
          ? ''
          : ` (${String(object.roleAddressBounds)} ${object.roleAddressBounds === 1 ? 'role address' : 'role addresses'} on their own)`;
      return {
        text: `Retention ${String(object.days)} ${object.days === 1 ? 'day' : 'days'}${whose}${others}: ${String(object.messages)} ${object.messages === 1 ? 'message' : 'messages'}, ${String(object.attachments)} ${object.attachments === 1 ? 'attachment' : 'attachments'} removed`,
        full: object.removedBefore <= LAST_ISO_MS ? `Accepted before ${utcTime(object.removedBefore)}` : null,
      };
    }
    case 'siem-destination':
      return { text: `SIEM ${object.host}:${String(object.port)}`, full: `CA certificate SHA-256 ${object.caSha256}…` };
    case 'session':
      return {
        text: `Session ${shortId(object.id)} of ${object.userId} on workstation ${shortId(object.workstationId)}`,
        full:
          object.until <= LAST_ISO_MS
            ? `Session ${object.id}, workstation ${object.workstationId}, until ${utcTime(object.until)}`
            : object.id,
      };
    case 'availability':
      return {
        text: `Availability of ${object.id}: ${AVAILABILITY_WORDS[object.state]}${object.coverUserId === null ? '' : `, covered by ${object.coverUserId}`}`,
        full: null,
      };
    case 'identifiers': {
      const found = foundPhrase(object.found.map(({ identifier, count }) => ({ kind: identifier, count })));
      return {
        text: `Found: ${found}${object.conversationId === null ? ' (new conversation)' : ` in conversation ${shortId(object.conversationId)}`}`,
        full: object.conversationId,
      };
    }
    case 'template':
      return { text: `Template ${shortId(object.id)}`, full: object.id };
    case 'ediscovery-package':
      return { text: `eDiscovery package ${object.id.slice(0, 16)}`, full: `Package digest ${object.id}` };
    case 'none':
      return { text: '—', full: null };
  }
}

export function outcomeLabel(outcome: AuditRecord['outcome']): string {
  return outcome === 'success' ? 'Success' : 'Failure';
}

const ALERT_LABELS: Record<AuditAlertKind, string> = {
  gap: 'Records missing (a gap in the workstation’s sequence)',
  fork: 'Conflicting records (the workstation’s chain forked)',
  'bad-signature': 'A batch signature did not verify',
  'bad-chain': 'Records that do not chain together',
  'unattested-actor': 'Records in the name of someone with no session on that workstation',
};

export function alertLabel(kind: AuditAlertKind): string {
  return ALERT_LABELS[kind];
}

/**
 * Where in the workstation's own numbering the alert points, said for what the number means in
 * each kind: the first record that never arrived, the record sent twice differently, the first
 * record of the refused batch, the first that does not chain. The table's Workstation column
 * shows the same numbers, so the place can be found among the records.
 */
export function alertPlace(kind: AuditAlertKind, seq: number | null): string {
  if (seq === null) return 'No record number';
  const n = `no. ${String(seq)}`;
  switch (kind) {
    case 'gap':
      return `First missing: the workstation’s record ${n}`;
    case 'fork':
      return `Conflict at the workstation’s record ${n}`;
    case 'bad-signature':
      return `Refused batch from the workstation’s record ${n}`;
    case 'bad-chain':
      return `Chain breaks at the workstation’s record ${n}`;
    case 'unattested-actor':
      return `The workstation’s record ${n} names someone not signed in there`;
  }
}

export interface TimeFormatOptions {
  /** The workstation's zone unless given (tests pin it). */
  readonly timeZone?: string;
}

/**
 * A record's time in the workstation's local time, to the second, year first so it reads the
 * same on every workstation and sorts as it reads: `2025-05-12 14:05:09`.
 */
export function localTime(at: number, options: TimeFormatOptions = {}): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** The same instant in UTC, as ISO 8601: `2025-05-12T13:05:09.120Z`. */
export function utcTime(at: number): string {
  return new Date(at).toISOString();
}
