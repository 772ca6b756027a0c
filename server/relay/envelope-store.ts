/**
 * Envelopes as the relay holds them: the envelope JSON (ciphertext, sealed keys, header) plus
 * the routing columns queries need. A recalled envelope keeps its row without the JSON, so its
 * id stays taken; an expired one is deleted with everything that refers to it.
 */
import type { Envelope } from '../../shared/protocol/envelope';
import type { ComposedStatement } from '../db/composed-statement';
import type { Queryable } from '../db/database';

export interface EnvelopeIdentity {
  readonly senderId: string;
  readonly digest: string;
  readonly acceptedAt: number;
}

export async function envelopeIdentity(db: Queryable, messageId: string): Promise<EnvelopeIdentity | null> {
  const rows = await db.query<{ sender_id: string; digest: string; accepted_at: number }>(
    'SELECT sender_id, digest, accepted_at FROM envelopes WHERE message_id = $1',
    [messageId],
  );
  const row = rows[0];
  return row ? { senderId: row.sender_id, digest: row.digest, acceptedAt: row.accepted_at } : null;
}

/**
 * Inserts the envelope and its recipients unless its id is taken (a resend, or a concurrent one
 * that got there first); answers the relation that holds the message id if it was inserted: the
 * gate of everything else a send writes.
 */
export function insertEnvelopePart(
  s: ComposedStatement,
  envelope: Envelope,
  digest: string,
  acceptedAt: number,
): string {
  const { header } = envelope;
  const inserted = s.with(
    'envelope',
    `INSERT INTO envelopes (message_id, conversation_id, sender_id, accepted_at, expires_at, digest, envelope_json, role_address)
     VALUES (${[
       header.id,
       header.conversationId,
       header.sender.userId,
       acceptedAt,
       header.expiresAt,
       digest,
       JSON.stringify(envelope),
       // The role address the signed header names (checked by role-address-tag.ts): its retention bound applies.
       header.roleAddress ?? null,
     ]
       .map((value) => s.param(value))
       .join(', ')}) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
  );
  s.with(
    'recipients_added',
    `INSERT INTO envelope_recipients (message_id, user_id)
     SELECT ${inserted}.message_id, r FROM ${inserted}, unnest(${s.param([...new Set(header.recipients)])}::text[]) AS r`,
  );
  return inserted;
}

/** Adds people an escalation step reaches as recipients; answers those who were not already. */
export async function insertReachedRecipients(
  tx: Queryable,
  messageId: string,
  userIds: readonly string[],
): Promise<string[]> {
  const rows = await tx.query<{ user_id: string }>(
    `INSERT INTO envelope_recipients (message_id, user_id) SELECT $1, unnest($2::text[])
     ON CONFLICT DO NOTHING RETURNING user_id`,
    [messageId, [...userIds]],
  );
  return rows.map((row) => row.user_id);
}

export interface HeldEnvelope {
  readonly messageId: string;
  readonly conversationId: string;
  readonly senderId: string;
  readonly recipients: readonly string[];
  readonly expiresAt: number | null;
  readonly recalledAt: number | null;
}

export async function heldEnvelope(db: Queryable, messageId: string, now: number): Promise<HeldEnvelope | null> {
  const rows = await db.query<{
    conversation_id: string;
    sender_id: string;
    expires_at: number | null;
    recalled_at: number | null;
    recipients: string[];
  }>(
    `SELECT e.conversation_id, e.sender_id, e.expires_at, e.recalled_at,
       ARRAY(SELECT r.user_id FROM envelope_recipients r WHERE r.message_id = e.message_id ORDER BY r.user_id) AS recipients
     FROM envelopes e WHERE e.message_id = $1 AND (e.expires_at IS NULL OR e.expires_at > $2)`,
    [messageId, now],
  );
  const row = rows[0];
  return row
    ? {
        messageId,
        conversationId: row.conversation_id,
        senderId: row.sender_id,
        recipients: row.recipients,
        expiresAt: row.expires_at,
        recalledAt: row.recalled_at,
      }
    : null;
}

export function parseStoredEnvelope(json: string): Envelope {
  // Written by insertEnvelope from an envelope that passed the protocol schema.
  return JSON.parse(json) as Envelope;
}

export async function deleteExpiredEnvelopes(db: Queryable, now: number): Promise<number> {
  const rows = await db.query(
    'DELETE FROM envelopes WHERE expires_at IS NOT NULL AND expires_at <= $1 RETURNING message_id',
    [now],
  );
  return rows.length;
}

/** Makes the envelope a header-only tombstone; false if it is not there or was recalled already. */
export async function recallEnvelope(
  tx: Queryable,
  input: { messageId: string; recalledAt: number; signature: string },
): Promise<boolean> {
  const updated = await tx.query(
    `UPDATE envelopes SET envelope_json = NULL, recalled_at = $2, recall_signature = $3
     WHERE message_id = $1 AND recalled_at IS NULL RETURNING message_id`,
    [input.messageId, input.recalledAt, input.signature],
  );
  return updated.length > 0;
}

/**
 * Whether the envelope is still held (neither recalled nor expired), its row locked against a
 * concurrent recall until the transaction ends: what is done in the transaction is done to a
 * message that still stands.
 */
export async function stillHeld(tx: Queryable, messageId: string, now: number): Promise<boolean> {
  const rows = await tx.query(
    `SELECT message_id FROM envelopes
     WHERE message_id = $1 AND recalled_at IS NULL AND (expires_at IS NULL OR expires_at > $2) FOR SHARE`,
    [messageId, now],
  );
  return rows.length > 0;
}

/** When the envelope was recalled: null if it was not, or is not there. */
export async function recalledAtOf(db: Queryable, messageId: string): Promise<number | null> {
  const rows = await db.query<{ recalled_at: number | null }>(
    'SELECT recalled_at FROM envelopes WHERE message_id = $1',
    [messageId],
  );
  return rows[0]?.recalled_at ?? null;
}

/** Of these messages, those still held (not recalled, not expired) that name `recipientId`: each one's sender. */
export async function sendersToRecipient(
  tx: Queryable,
  recipientId: string,
  messageIds: readonly string[],
  now: number,
): Promise<Map<string, string>> {
  const rows = await tx.query<{ message_id: string; sender_id: string }>(
    `SELECT e.message_id, e.sender_id FROM envelopes e
     JOIN envelope_recipients r ON r.message_id = e.message_id AND r.user_id = $1
     WHERE e.message_id = ANY($2::uuid[]) AND e.envelope_json IS NOT NULL AND (e.expires_at IS NULL OR e.expires_at > $3)`,
    [recipientId, [...messageIds], now],
  );
  return new Map(rows.map((row) => [row.message_id, row.sender_id]));
}

/** An envelope as history returns it, its JSON not yet parsed (only the page's are). */
export interface HistoryRow {
  readonly envelopeJson: string;
  readonly acceptedAt: number;
  readonly recalledAt: number | null;
}

type HistoryColumns = { envelope_json: string; accepted_at: number; recalled_at: number | null };
const historyRowOf = (row: HistoryColumns): HistoryRow => ({
  envelopeJson: row.envelope_json,
  acceptedAt: row.accepted_at,
  recalledAt: row.recalled_at,
});

/** What `userId` sent or received in the conversation and is still held, at `now`. */
const VISIBLE = `e.conversation_id = $1 AND e.envelope_json IS NOT NULL AND (e.expires_at IS NULL OR e.expires_at > $2)
  AND (e.sender_id = $3 OR EXISTS (SELECT 1 FROM envelope_recipients r WHERE r.message_id = e.message_id AND r.user_id = $3))`;

interface HistoryScope {
  readonly conversationId: string;
  readonly userId: string;
  readonly now: number;
}

/** Up to `limit` visible envelopes accepted before `before` (or any), newest first. */
export async function historyBefore(
  db: Queryable,
  scope: HistoryScope,
  before: number | null,
  limit: number,
): Promise<HistoryRow[]> {
  const rows = await db.query<HistoryColumns>(
    `SELECT e.envelope_json, e.accepted_at, e.recalled_at FROM envelopes e
     WHERE ${VISIBLE} AND ($4::bigint IS NULL OR e.accepted_at < $4)
     ORDER BY e.accepted_at DESC, e.message_id DESC LIMIT $5`,
    [scope.conversationId, scope.now, scope.userId, before, limit],
  );
  return rows.map(historyRowOf);
}

/** Up to `limit` visible envelopes accepted at exactly `acceptedAt`, newest id first. */
export async function historyAt(
  db: Queryable,
  scope: HistoryScope,
  acceptedAt: number,
  limit: number,
): Promise<HistoryRow[]> {
  const rows = await db.query<HistoryColumns>(
    `SELECT e.envelope_json, e.accepted_at, e.recalled_at FROM envelopes e
     WHERE ${VISIBLE} AND e.accepted_at = $4 ORDER BY e.message_id DESC LIMIT $5`,
    [scope.conversationId, scope.now, scope.userId, acceptedAt, limit],
  );
  return rows.map(historyRowOf);
}
