/**
 * What the server serves, for its own audit chain: sessions issued and ended (and sign-ins it
 * refused, for real accounts), envelopes accepted, conversation history read, audit searches and
 * exports. HIPAA's audit controls cover
 * the server, not only the workstations that report on themselves.
 *
 * Each event is written to the `served_events` outbox in the transaction of what it records (or
 * right after a read), as ids, counts and codes only, and folded into the server's chain later
 * by server-trail.ts, a batch at a time: a send never waits on a tree head.
 */
import { canonicalObject } from '../../shared/audit/audit-chain';
import { auditObject, type AuditRecord } from '../../shared/audit/audit-event';
import { actionEvent, type ActionEvent, type ActionEventSpec } from '../../shared/audit/audit-event-builder';
import type { Queryable } from '../db/database';
import type { SessionEndReason } from '../events/channels';
import type { ComposedStatement } from '../db/composed-statement';
import { insertServedEvents, insertServedEventsPart, type ServedInsert } from './served-event-store';

export const SERVED_ACTIONS = [
  'session.issued',
  'session.ended',
  'message.accepted',
  'message.acknowledged',
  'message.escalated',
  'history.read',
  'search.performed',
  'export.created',
  'sign-in.failed',
  'mfa.failed',
] as const satisfies readonly AuditRecord['action'][];
export type ServedAction = (typeof SERVED_ACTIONS)[number];

declare const served: unique symbol;

/** A served event ready for the outbox; only `servedEvent` makes one. */
export interface ServedEvent {
  readonly [served]: true;
  readonly at: number;
  /** The person served, or null for what the server did by itself (a session it ended). */
  readonly actor: string | null;
  /** What was served, built by the catalogue's builder; the fold adds the actor's role. */
  readonly event: ActionEvent;
}

/**
 * What a call site says: a served action and an object the catalogue lets it name (a history
 * read about an account does not compile). No patient: the server never knows one.
 */
export type ServedEventSpec<A extends ServedAction> = Omit<ActionEventSpec<A>, 'patient'> & {
  readonly at: number;
  readonly actor: string | null;
};

export function servedEvent<A extends ServedAction>(spec: ServedEventSpec<A>): ServedEvent {
  const { at, actor, ...described } = spec;
  return { at, actor, event: actionEvent(described as unknown as ActionEventSpec<A>) } as ServedEvent;
}

/** The reason code a `session.ended` record carries for each way a session ends. */
export const SESSION_END_CODES: Readonly<Record<SessionEndReason, string>> = {
  'signed-out': 'SIGNED_OUT',
  revoked: 'SESSION_REVOKED',
  deactivated: 'ACCOUNT_DEACTIVATED',
  expired: 'SESSION_EXPIRED',
};

/** The outbox rows of `events`, each checked against the catalogue first. */
function servedRows(events: ServedEvent | readonly ServedEvent[]): ServedInsert[] {
  const list = Array.isArray(events) ? (events as readonly ServedEvent[]) : [events as ServedEvent];
  // Checked here, at the source: a record the catalogue would refuse is a bug, never stored.
  for (const { event } of list) auditObject.parse(event.object);
  return list.map(({ at, actor, event }) => ({
    at,
    actor,
    action: event.action,
    object: canonicalObject(event.object),
    outcome: event.outcome,
    reason: event.reason,
  }));
}

export async function recordServed(tx: Queryable, events: ServedEvent | readonly ServedEvent[]): Promise<void> {
  const rows = servedRows(events);
  if (rows.length > 0) await insertServedEvents(tx, rows);
}

/** recordServed as part of the statement that did what it records (if `gate` has its row). */
export function recordServedPart(
  s: ComposedStatement,
  gate: string,
  events: ServedEvent | readonly ServedEvent[],
): void {
  const rows = servedRows(events);
  if (rows.length > 0) insertServedEventsPart(s, gate, rows);
}
