/**
 * Acknowledgements of messages this vault holds, one per message and person (the first stands,
 * as on the server), and the escalation alerts the server reported. Both are read back with
 * their message (message-ops.ts).
 */
import type { Database } from 'better-sqlite3';
import type { QuickReply } from '../../../shared/protocol/acknowledgement';
import type { EscalationPlan } from '../../../shared/protocol/escalation';
import { sql } from '../statement-cache';

export interface AcknowledgementRecord {
  readonly messageId: string;
  readonly userId: string;
  readonly reply: QuickReply | null;
  /** The server's time of accepting it: what the thread shows and orders by. */
  readonly at: number;
}

export const acknowledgementWrites = {
  /** Records it; answers the message's conversation, or null for a message this vault does not hold. */
  'acknowledgement.record': (db: Database, ack: AcknowledgementRecord): { conversationId: string | null } =>
    db.transaction(() => {
      const message = sql(db, 'SELECT conversation_id FROM messages WHERE id = ?').get(ack.messageId) as
        { conversation_id: string } | undefined;
      if (!message) return { conversationId: null };
      sql(
        db,
        `INSERT INTO acknowledgements (message_id, user_id, reply, acknowledged_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (message_id, user_id) DO NOTHING`,
      ).run(ack.messageId, ack.userId, ack.reply, ack.at);
      sql(db, 'UPDATE messages SET acknowledged_at = min(coalesce(acknowledged_at, ?), ?) WHERE id = ?').run(
        ack.at,
        ack.at,
        ack.messageId,
      );
      return { conversationId: message.conversation_id };
    })(),

  /** An alert the server reported for a message this vault holds (step null: a re-alert); once each. */
  'escalation.record': (
    db: Database,
    alert: { messageId: string; step: number | null; at: number },
  ): { conversationId: string | null } => {
    const message = sql(db, 'SELECT conversation_id FROM messages WHERE id = ?').get(alert.messageId) as
      { conversation_id: string } | undefined;
    if (!message) return { conversationId: null };
    sql(db, 'INSERT INTO escalation_events (message_id, step, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
      alert.messageId,
      alert.step ?? -1,
      alert.at,
    );
    return { conversationId: message.conversation_id };
  },
} as const;

export const acknowledgementReads = {
  /** A conversation's messages with an escalation plan, and the steps released of each (escalation-standby.ts). */
  'conversation.escalationPlans': (
    db: Database,
    args: { conversationId: string },
  ): { senderId: string; plan: EscalationPlan; releasedSteps: number[] }[] =>
    (
      sql(
        db,
        `SELECT m.sender_id, m.escalation_plan,
           (SELECT json_group_array(e.step) FROM escalation_events e WHERE e.message_id = m.id AND e.step >= 0) AS released
         FROM messages m WHERE m.conversation_id = ? AND m.escalation_plan IS NOT NULL`,
      ).all(args.conversationId) as { sender_id: string; escalation_plan: string; released: string }[]
    ).map((row) => ({
      senderId: row.sender_id,
      plan: JSON.parse(row.escalation_plan) as EscalationPlan,
      releasedSteps: JSON.parse(row.released) as number[],
    })),

  /** Incoming messages that ask for acknowledgement and have none: what a re-alert counts. */
  'message.awaitingAcknowledgement': (db: Database, _args: Record<string, never>): number =>
    (
      sql(
        db,
        `SELECT count(*) AS n FROM messages WHERE direction = 'in' AND ack_requested = 1
         AND acknowledged_at IS NULL AND body IS NOT NULL`,
      ).get() as { n: number }
    ).n,

  /** Their ids (the newest first, at most 1,000): what a locked workstation's watch keeps re-alerting for. */
  'message.awaitingAcknowledgementIds': (db: Database, _args: Record<string, never>): string[] =>
    (
      sql(
        db,
        `SELECT id FROM messages WHERE direction = 'in' AND ack_requested = 1
         AND acknowledged_at IS NULL AND body IS NOT NULL ORDER BY sent_at DESC LIMIT 1000`,
      ).all() as { id: string }[]
    ).map((row) => row.id),
} as const;
