/**
 * Who may a workstation speak for? The rule, in one place, for the server's intake and the
 * offline verifier alike.
 *
 * A workstation signs its batches with its device key, and that key alone proves only which
 * workstation wrote a record, not that the person it names was there. The server issues every
 * session and records each one on its own chain (`session.issued`: whose, on which workstation,
 * until when at the latest; `session.ended`: when it ended). A record that names a person as its
 * actor is attested when that person had a session on the record's workstation at the record's
 * time, give or take ATTESTATION_TOLERANCE_MS for workstation clocks, and in the role the server
 * knew them by. Records made while nobody
 * is signed in (a refused sign-in, a policy load, a vault purge) name no person and are the
 * workstation's own. The server's own chain is the server speaking, and is not checked here.
 *
 * So a workstation whose device key was taken can still lie about the people who really signed in
 * there, while they were signed in; it can no longer put anyone else in the trail.
 */
import type { AuditRecord } from './audit-event';

/** How far a workstation's clock may be from the server's: Kerberos' default skew. */
export const ATTESTATION_TOLERANCE_MS = 5 * 60 * 1000;

/** A person's session on a workstation, from issue to its end (or its latest expiry). */
export interface SessionSpan {
  readonly sessionId: string;
  readonly userId: string;
  readonly workstationId: string;
  readonly from: number;
  readonly until: number;
  /** The role the server knew the person by when it issued the session; null when not known. */
  readonly role: string | null;
}

const spanKey = (userId: string, workstationId: string) => `${workstationId}\u0000${userId}`;

/** The spans by person and workstation, looked up by `attested`. */
export interface SessionIndex {
  spansOf(userId: string, workstationId: string): readonly SessionSpan[];
}

export function sessionIndex(spans: Iterable<SessionSpan>): SessionIndex {
  const byKey = new Map<string, SessionSpan[]>();
  for (const span of spans) {
    const key = spanKey(span.userId, span.workstationId);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [span]);
    else list.push(span);
  }
  return { spansOf: (userId, workstationId) => byKey.get(spanKey(userId, workstationId)) ?? [] };
}

/** Whether the record must be attested: it names a person. */
export function namesPerson(record: AuditRecord): boolean {
  return record.actor.userId !== null;
}

/** A record that names a role must name the one the server knew (one naming none claims none). */
const roleFits = (claimed: string | null, known: string | null) =>
  claimed === null || known === null || claimed === known;

/** Whether a record that names a person falls inside one of that person's sessions on its workstation. */
export function attested(
  record: AuditRecord,
  index: SessionIndex,
  toleranceMs: number = ATTESTATION_TOLERANCE_MS,
): boolean {
  const userId = record.actor.userId;
  if (userId === null) return true;
  return index
    .spansOf(userId, record.workstationId)
    .some(
      (span) =>
        record.at >= span.from - toleranceMs &&
        record.at <= span.until + toleranceMs &&
        roleFits(record.actor.role, span.role),
    );
}

/**
 * The session spans a chain's records describe: each `session.issued` opens one until its
 * latest expiry, and a `session.ended` for the same session cuts it short. Only the server's own
 * chain may be passed here (the verifier knows which chain is the server's by its key).
 */
export function sessionSpansOf(records: Iterable<AuditRecord>): SessionSpan[] {
  const spans = new Map<string, SessionSpan>();
  const ends = new Map<string, number>();
  for (const record of records) {
    const object = record.object;
    if (object.kind !== 'session' || record.outcome !== 'success') continue;
    if (record.action === 'session.issued') {
      spans.set(object.id, {
        sessionId: object.id,
        userId: object.userId,
        workstationId: object.workstationId,
        from: record.at,
        until: object.until,
        role: record.actor.role,
      });
    } else if (record.action === 'session.ended') {
      ends.set(object.id, Math.min(object.until, ends.get(object.id) ?? Number.MAX_SAFE_INTEGER));
    }
  }
  return [...spans.values()].map((span) => {
    const ended = ends.get(span.sessionId);
    return ended === undefined ? span : { ...span, until: Math.min(span.until, ended) };
  });
}
