/**
 * The `message_holds` rows (append-only: placing and releasing are both rows) and the reads the
 * eDiscovery export makes of what they cover. What a hold keeps is decided by the database's
 * triggers (migration 23), not here: this module only records holds and reads.
 */
import type { Queryable } from '../db/database';
import { MESSAGE_HOLD_LOCK_ID } from '../db/migrations/0023-message-legal-holds';
import type { HoldReasonCode, MatterCursor } from '../../shared/protocol/message-hold-api';

export interface HoldRow {
  readonly holdId: string;
  readonly matter: string;
  readonly reasonCode: HoldReasonCode;
  readonly custodian: { readonly userId: string; readonly displayName: string } | null;
  readonly conversationId: string | null;
  readonly placedAt: number;
  readonly placedBy: string;
}

const IN_FORCE = `placed.event = 'placed'
  AND NOT EXISTS (SELECT 1 FROM message_holds released WHERE released.hold_id = placed.hold_id AND released.event = 'released')`;

/**
 * Waits for every delete or recall that has looked for holds to finish, and keeps new ones from
 * looking until this transaction ends: what they do next sees the hold (migration 23).
 */
export async function lockHolds(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [MESSAGE_HOLD_LOCK_ID]);
}

export async function holdsInForceCount(tx: Queryable): Promise<number> {
  const rows = await tx.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM message_holds placed WHERE ${IN_FORCE}`,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function insertMessageHoldPlaced(
  tx: Queryable,
  hold: {
    holdId: string;
    matter: string;
    reasonCode: HoldReasonCode;
    custodianId: string | null;
    conversationId: string | null;
    at: number;
    actor: string;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO message_holds (hold_id, event, custodian_id, conversation_id, matter, reason_code, at, actor)
     VALUES ($1, 'placed', $2, $3, $4, $5, $6, $7)`,
    [hold.holdId, hold.custodianId, hold.conversationId, hold.matter, hold.reasonCode, hold.at, hold.actor],
  );
}

/** False when the hold is not in force (never placed, or released already: a concurrent release won). */
export async function insertMessageHoldReleased(
  tx: Queryable,
  release: { holdId: string; at: number; actor: string },
): Promise<boolean> {
  // UNIQUE (hold_id, event) settles two releases racing: the second inserts nothing.
  const rows = await tx.query(
    `INSERT INTO message_holds (hold_id, event, at, actor)
     SELECT $1, 'released', $2, $3 WHERE EXISTS (SELECT 1 FROM message_holds WHERE hold_id = $1 AND event = 'placed')
     ON CONFLICT (hold_id, event) DO NOTHING RETURNING hold_id`,
    [release.holdId, release.at, release.actor],
  );
  return rows.length > 0;
}

type HoldColumns = {
  hold_id: string;
  matter: string;
  reason_code: HoldReasonCode;
  custodian_id: string | null;
  custodian_name: string | null;
  conversation_id: string | null;
  at: number | string;
  actor: string;
};

const holdOf = (row: HoldColumns): HoldRow => ({
  holdId: row.hold_id,
  matter: row.matter,
  reasonCode: row.reason_code,
  custodian: row.custodian_id === null ? null : { userId: row.custodian_id, displayName: row.custodian_name ?? '' },
  conversationId: row.conversation_id,
  placedAt: Number(row.at),
  placedBy: row.actor,
});

const HOLD_SELECT = `SELECT placed.hold_id, placed.matter, placed.reason_code, placed.custodian_id, a.display_name AS custodian_name,
    placed.conversation_id, placed.at, placed.actor
  FROM message_holds placed LEFT JOIN accounts a ON a.user_id = placed.custodian_id`;

/** Every hold in force, oldest first; or only `holdId`'s. */
export async function messageHoldsInForce(db: Queryable, holdId?: string): Promise<HoldRow[]> {
  const rows = await db.query<HoldColumns>(
    `${HOLD_SELECT} WHERE ${IN_FORCE} AND ($1::uuid IS NULL OR placed.hold_id = $1) ORDER BY placed.id`,
    [holdId ?? null],
  );
  return rows.map(holdOf);
}

export async function matterInForce(db: Queryable, matter: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM message_holds placed WHERE ${IN_FORCE} AND placed.matter = $1 LIMIT 1`, [
    matter,
  ]);
  return rows.length > 0;
}

/** A held message as the export reads it (message-hold-api.ts `heldMessage`), before its state is named. */
export interface HeldRow {
  readonly messageId: string;
  readonly senderId: string;
  /** Everyone it reached (escalation steps' people once released), by user id. */
  readonly recipients: readonly string[];
  readonly envelopeJson: string;
  readonly acceptedAt: number;
  readonly expiresAt: number | null;
  readonly recalledAt: number | null;
  readonly recallSignature: string | null;
  readonly receipts: { userId: string; kind: 'delivered' | 'read' | 'acknowledged'; at: number }[];
  readonly blobs: { blobId: string; size: number }[];
}

/**
 * The messages the matter's holds in force cover, in acceptance order after `after`: by
 * conversation, by custodian as sender, by custodian as recipient (each an indexed lookup), with
 * the recalled ones' JSON from `held_json`. Only what the server still has: a message recalled or
 * expired before any hold covered it is gone. Receipts and acknowledgements are those the server
 * had taken by `asOf` (its clock), so every page of one export, and the server's own rebuild of
 * it (matter-export-record.ts), read the same ones while later ones keep arriving.
 */
export async function heldMessagesOfMatter(
  db: Queryable,
  matter: string,
  after: MatterCursor | null,
  limit: number,
  asOf: number,
): Promise<HeldRow[]> {
  const rows = await db.query<{
    message_id: string;
    sender_id: string;
    json: string;
    accepted_at: number | string;
    expires_at: number | string | null;
    recalled_at: number | string | null;
    recall_signature: string | null;
    recipients: string[];
    receipts: { user_id: string; kind: 'delivered' | 'read' | 'acknowledged'; at: number | string }[] | string;
    blobs: { blob_id: string; size: number | string }[] | string;
  }>(
    `WITH holds AS (SELECT placed.custodian_id, placed.conversation_id FROM message_holds placed WHERE ${IN_FORCE} AND placed.matter = $1),
     covered AS (
       SELECT e.message_id FROM envelopes e JOIN holds h ON h.conversation_id = e.conversation_id
       UNION SELECT e.message_id FROM envelopes e JOIN holds h ON h.custodian_id = e.sender_id
       UNION SELECT r.message_id FROM envelope_recipients r JOIN holds h ON h.custodian_id = r.user_id)
     SELECT e.message_id, e.sender_id, COALESCE(e.envelope_json, e.held_json) AS json, e.accepted_at, e.expires_at,
       e.recalled_at, e.recall_signature,
       ARRAY(SELECT r.user_id FROM envelope_recipients r WHERE r.message_id = e.message_id ORDER BY r.user_id) AS recipients,
       COALESCE((SELECT json_agg(json_build_object('user_id', c.user_id, 'kind', c.kind, 'at', c.at) ORDER BY c.at, c.user_id, c.kind)
         FROM (SELECT user_id, kind, at FROM receipts WHERE message_id = e.message_id AND at <= $5
               UNION ALL SELECT user_id, 'acknowledged', acknowledged_at FROM message_acknowledgements
                 WHERE message_id = e.message_id AND accepted_at <= $5) c),
         '[]'::json) AS receipts,
       COALESCE((SELECT json_agg(json_build_object('blob_id', b.blob_id, 'size', b.size) ORDER BY b.blob_id)
         FROM blobs b WHERE b.message_id = e.message_id AND b.completed), '[]'::json) AS blobs
     FROM envelopes e JOIN covered USING (message_id)
     WHERE COALESCE(e.envelope_json, e.held_json) IS NOT NULL
       AND ($2::bigint IS NULL OR (e.accepted_at, e.message_id) > ($2::bigint, $3::uuid))
     ORDER BY e.accepted_at, e.message_id LIMIT $4`,
    [matter, after?.acceptedAt ?? null, after?.messageId ?? null, limit, asOf],
  );
  const parsed = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
  const orNull = (value: number | string | null) => (value === null ? null : Number(value));
  return rows.map((row) => ({
    messageId: row.message_id,
    senderId: row.sender_id,
    recipients: row.recipients,
    envelopeJson: row.json,
    acceptedAt: Number(row.accepted_at),
    expiresAt: orNull(row.expires_at),
    recalledAt: orNull(row.recalled_at),
    recallSignature: row.recall_signature,
    receipts: parsed(row.receipts).map((c) => ({ userId: c.user_id, kind: c.kind, at: Number(c.at) })),
    blobs: parsed(row.blobs).map((b) => ({ blobId: b.blob_id, size: Number(b.size) })),
  }));
}

/**
 * The size of a finished blob a hold in force covers (through its message), or null: what a
 * compliance officer may download. Recalled and expired messages' blobs included: that is what
 * the hold kept them for.
 */
export async function heldBlobSize(db: Queryable, blobId: string): Promise<number | null> {
  const rows = await db.query<{ size: number | string }>(
    `SELECT b.size FROM blobs b JOIN envelopes e ON e.message_id = b.message_id
     WHERE b.blob_id = $1 AND b.completed AND message_under_hold(e.message_id, e.sender_id, e.conversation_id)`,
    [blobId],
  );
  const size = rows[0]?.size;
  return size === undefined ? null : Number(size);
}

/**
 * After a release: what holds kept that nothing holds now goes as it would have. A recalled
 * message's kept JSON and its blobs; expired and retention-due rows go with the next sweep by
 * themselves. The triggers skip whatever another hold still covers. Returns how many messages
 * were let go.
 */
export async function letGoUnheld(db: Queryable): Promise<number> {
  // A recalled message keeps blobs only if a hold kept them, and then its held_json too: the
  // partial index on held_json makes this a walk of what holds kept, not of every recall.
  await db.query(`DELETE FROM blobs b USING envelopes e WHERE b.message_id = e.message_id AND e.held_json IS NOT NULL`);
  const rows = await db.query(
    `UPDATE envelopes e SET held_json = NULL WHERE e.held_json IS NOT NULL
       AND NOT message_under_hold(e.message_id, e.sender_id, e.conversation_id) RETURNING e.message_id`,
  );
  return rows.length;
}
