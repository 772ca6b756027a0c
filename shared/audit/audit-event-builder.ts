/**
 * How an audit event is built: the one function every call site uses, on the workstation and on
 * the server. The catalogue (audit-event.ts) says which actions exist and which objects each may
 * name (`ACTION_OBJECTS`); here that table becomes a type, so a record of a message read about an
 * account, or of a sign-in about a message, does not compile. The result is branded: a
 * hand-written object literal is not an `AuditEvent`, so nothing reaches the trail around this.
 *
 * What is filled in later is not here: the time, the sequence number and the workstation are the
 * trail's to set when it appends (main/audit/audit-trail.ts, server/audit/server-trail.ts).
 *
 * An event decoded from elsewhere (a row of the server's outboxes) was never seen by the types:
 * `checkedAuditEvent` checks it against the whole catalogue and answers null instead of throwing,
 * so a fold over stored rows can record something else in its place and carry on.
 */
import type { Role } from '../access/permission-matrix';
import { ACTION_OBJECTS, auditRecord, type AuditAction, type AuditObject, type AuditRecord } from './audit-event';

/** Who acted: a signed-in person in a role, or nobody (a refused sign-in, a purge by policy). */
export interface AuditActor {
  readonly userId: string | null;
  readonly role: Role | null;
}

export const NO_ACTOR: AuditActor = Object.freeze({ userId: null, role: null });

/** The object kinds the catalogue allows for `A`. */
export type ObjectKindOf<A extends AuditAction> = (typeof ACTION_OBJECTS)[A][number];
/** The objects an event of action `A` may name. */
export type ObjectOf<A extends AuditAction> = Extract<AuditObject, { kind: ObjectKindOf<A> }>;

declare const built: unique symbol;

/** An event ready for the trail; only `auditEvent` makes one. */
export interface AuditEvent {
  readonly [built]: true;
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly object: AuditObject;
  readonly patient: string | null;
  readonly outcome: AuditRecord['outcome'];
  readonly reason: string | null;
}

/** What a call site says. `object` may be left out only where the catalogue allows `none`. */
export type AuditEventSpec<A extends AuditAction> = {
  readonly action: A;
  readonly actor: AuditActor;
  /** The patient the object concerns (a conversation's patient reference), when known. */
  readonly patient?: string | null;
  /** A reason code (an app error code or an enumerated word), never a message. */
  readonly reason?: string | null;
  /** Recorded as a failure: the attempt and the code it failed with. */
  readonly outcome?: AuditRecord['outcome'];
} & ('none' extends ObjectKindOf<A> ? { readonly object?: ObjectOf<A> } : { readonly object: ObjectOf<A> });

/** Whether the catalogue lets `action` name an object of this kind. */
const allows = (action: AuditAction, kind: AuditObject['kind']): boolean =>
  (ACTION_OBJECTS[action] as readonly string[]).includes(kind);

export function auditEvent<A extends AuditAction>(spec: AuditEventSpec<A>): AuditEvent {
  const object: AuditObject = spec.object ?? { kind: 'none' };
  // The types make this unreachable from TypeScript; a cast still meets it at run time (a value
  // decoded from elsewhere goes through checkedAuditEvent instead).
  if (!allows(spec.action, object.kind)) {
    throw new TypeError(`an ${spec.action} record cannot name a ${object.kind} object`);
  }
  return {
    actor: { userId: spec.actor.userId, role: spec.actor.role },
    action: spec.action,
    object,
    patient: spec.patient ?? null,
    outcome: spec.outcome ?? 'success',
    reason: spec.reason ?? null,
  } as AuditEvent;
}

/** An event's fields as the catalogue checks them; the trail adds the time, sequence and workstation. */
const eventFields = auditRecord.pick({
  actor: true,
  action: true,
  object: true,
  patient: true,
  outcome: true,
  reason: true,
});

/** What a stored row says, before anything about it is known to fit the catalogue. */
export interface UncheckedEventSpec {
  readonly action: string;
  readonly actor: { readonly userId: string | null; readonly role: string | null };
  readonly object?: unknown;
  readonly patient?: string | null;
  readonly outcome?: string;
  readonly reason?: string | null;
}

/**
 * The event a decoded row describes, or null where the catalogue refuses it: an action it does
 * not list, a field not of its form, or an object the action may not name. Never throws: the
 * caller decides what to record instead (never the row as it is).
 */
export function checkedAuditEvent(spec: UncheckedEventSpec): AuditEvent | null {
  const parsed = eventFields.safeParse({
    actor: { userId: spec.actor.userId, role: spec.actor.role },
    action: spec.action,
    object: spec.object ?? { kind: 'none' },
    patient: spec.patient ?? null,
    outcome: spec.outcome ?? 'success',
    reason: spec.reason ?? null,
  });
  if (!parsed.success || !allows(parsed.data.action, parsed.data.object.kind)) return null;
  return parsed.data as AuditEvent;
}

declare const unattributed: unique symbol;

/**
 * An event that a signed-in clinician's own code builds (messaging) and their session signs
 * with their name (`byActor`): the module that describes the action cannot choose whose it is.
 */
export interface ActionEvent {
  readonly [unattributed]: true;
  readonly action: AuditAction;
  readonly object: AuditObject;
  readonly patient: string | null;
  readonly outcome: AuditRecord['outcome'];
  readonly reason: string | null;
}

/** What a call site says for an action its session will attribute. */
export type ActionEventSpec<A extends AuditAction> = Omit<AuditEventSpec<A>, 'actor'>;

export function actionEvent<A extends AuditAction>(spec: ActionEventSpec<A>): ActionEvent {
  const { action, object, patient, outcome, reason } = auditEvent({ ...spec, actor: NO_ACTOR } as AuditEventSpec<A>);
  return { action, object, patient, outcome, reason } as ActionEvent;
}

/** The action, in the name of the clinician whose session it happened in. */
export function byActor(actor: AuditActor, event: ActionEvent): AuditEvent {
  return { ...event, actor: { userId: actor.userId, role: actor.role } } as unknown as AuditEvent;
}
