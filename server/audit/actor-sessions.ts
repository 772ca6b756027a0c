/**
 * The sessions that attest a workstation's records at intake (the rule itself is
 * shared/audit/actor-attestation.ts). Recent sessions come from the sessions table, written in
 * the transaction that issued them, so a batch that arrives a moment after sign-in finds its
 * session before the server's chain has folded it. Sessions the table has forgotten (it keeps
 * dead ones a day) come from the server's chain, which keeps them as long as the trail: a
 * workstation that was offline for a month still finds its clinicians' sessions.
 *
 * For a session the table still holds, the table says when it ended: the chain folds a sign-out a
 * moment later (server-trail.ts), and until then shows the session open to its latest expiry, so
 * a record made in that person's name after sign-out would pass as attested.
 */
import { attested, sessionIndex, sessionSpansOf, type SessionSpan } from '../../shared/audit/actor-attestation';
import type { ChainedEntry } from '../../shared/audit/audit-entry';
import { auditRecord, type AuditRecord } from '../../shared/audit/audit-event';
import { deviceSessionSpans } from '../accounts/session-store';
import type { Queryable } from '../db/database';
import { chainRecordTexts } from './audit-record-store';

async function tableSpans(tx: Queryable, workstationId: string, userIds: readonly string[]): Promise<SessionSpan[]> {
  // The role the account has now: a role changed mid-session falls back to the chain's record below.
  return (await deviceSessionSpans(tx, workstationId, userIds)).map((span) => ({ ...span, workstationId }));
}

function parsed(text: string): AuditRecord | null {
  try {
    const record = auditRecord.safeParse(JSON.parse(text));
    return record.success ? record.data : null;
  } catch {
    return null;
  }
}

async function chainSpans(
  tx: Queryable,
  chainId: string,
  workstationId: string,
  userIds: readonly string[],
): Promise<SessionSpan[]> {
  const issued = await chainRecordTexts(tx, chainId, 'session.issued', 'actor', userIds);
  const opened = issued.flatMap((text) => {
    const record = parsed(text);
    return record?.object.kind === 'session' && record.object.workstationId === workstationId ? [record] : [];
  });
  if (opened.length === 0) return [];
  const ended = await chainRecordTexts(
    tx,
    chainId,
    'session.ended',
    'object',
    opened.map((record) => (record.object.kind === 'session' ? record.object.id : '')),
  );
  return sessionSpansOf([...opened, ...ended.flatMap((text) => parsed(text) ?? [])]);
}

/** The entries that name a person who had no session on this workstation at their time. */
export async function unattestedEntries(
  tx: Queryable,
  chainId: string,
  workstationId: string,
  entries: readonly ChainedEntry[],
): Promise<ChainedEntry[]> {
  const persons = entries.filter((entry) => entry.record.actor.userId !== null);
  if (persons.length === 0) return [];
  const userIds = [...new Set(persons.map((entry) => entry.record.actor.userId as string))];
  const table = await tableSpans(tx, workstationId, userIds);
  const tableIndex = sessionIndex(table);
  let missing = persons.filter((entry) => !attested(entry.record, tableIndex));
  if (missing.length === 0) return [];
  const missingUsers = [...new Set(missing.map((entry) => entry.record.actor.userId as string))];
  // The chain may still give the role the session was issued in, never a later end than the table's.
  const endedAt = new Map(table.map((span) => [span.sessionId, span.until]));
  const chain = (await chainSpans(tx, chainId, workstationId, missingUsers)).map((span) => {
    const until = endedAt.get(span.sessionId);
    return until === undefined ? span : { ...span, until: Math.min(span.until, until) };
  });
  const index = sessionIndex(chain);
  missing = missing.filter((entry) => !attested(entry.record, index));
  return missing;
}
