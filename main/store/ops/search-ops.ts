/**
 * Message search over the vault's two full-text indexes: message bodies (schema-v1.ts) and what
 * a conversation is about, its subject and patient label (schema-v7.ts). Every word must match
 * (the last as a prefix, search-query.ts), in the body, or in the conversation's subject or
 * patient label, so "smith potassium" finds the message about potassium in Mrs Smith's thread.
 * A conversation that every word names is one result, its newest message, rather than each of
 * its messages.
 *
 * Never found: a recalled message, an expired one (by `now`, even if the sweeper has not run
 * yet), or one whose body is otherwise gone; a conversation whose messages are all such is not
 * found by its subject or patient either (there is nothing left to open).
 *
 * Order: newest stored first (`seq`, the order messages reached this workstation). Relevance
 * ranking (bm25) is not used: clinicians look for a recent exchange ("the potassium result for
 * bed 4"), and bm25 over short messages mostly rewards repeating a word. Newest first also lets
 * FTS5 walk its index from the end and stop after a page, so the cost follows the page, not how
 * many of 100,000 messages say "patient".
 */
import type { Database } from 'better-sqlite3';
import type { Priority } from '../../../shared/protocol/envelope';
import { sql } from '../statement-cache';
import { queryPhrases, searchWords } from '../search-query';
import type { ConversationKind } from './conversation-ops';

/** Conversations taken from the subject and patient index per word: more than a vault holds in practice. */
const CONVERSATIONS_PER_WORD = 1000;

export interface SearchRow {
  readonly messageId: string;
  readonly conversationId: string;
  readonly senderId: string;
  /** The sender's name as the conversation's participants list has it (null: not a participant). */
  readonly senderName: string | null;
  readonly direction: 'in' | 'out';
  readonly sentAt: number;
  readonly priority: Priority;
  readonly body: string;
  /** Where the words were found: a message's body, or (one result per conversation) its subject or patient. */
  readonly matchedIn: 'body' | 'conversation';
  readonly conversation: {
    readonly kind: ConversationKind;
    readonly title: string | null;
    readonly patientLabel: string | null;
    readonly roleAddressId: string | null;
    readonly roleAddressName: string | null;
    /** Other participants' names, as the conversation list has them, for its label. */
    readonly otherNames: readonly string[];
  };
}

interface Hit {
  readonly seq: number;
  readonly matchedIn: SearchRow['matchedIn'];
}

/** A message that may be found: its text still here and not past its expiry. */
const VISIBLE = `m.body IS NOT NULL AND m.recalled_at IS NULL AND m.expired_at IS NULL
  AND (m.expires_at IS NULL OR m.expires_at > @now)`;

/**
 * Messages whose body holds every phrase (in `conversations`, if named), newest stored first:
 * FTS5 walks its index from the end and stops after a page. Walking the named conversations'
 * messages instead and checking each against the phrases was measured slower even for a
 * patient's few threads (26 ms against 5 over 100,000 messages): FTS5 then gathers every match
 * of a common word before the first row.
 */
function bodyHits(db: Database, match: string, conversations: readonly string[] | null, now: number, limit: number) {
  const rows =
    conversations === null
      ? sql(
          db,
          `SELECT m.seq FROM message_search s JOIN messages m ON m.seq = s.rowid
           WHERE message_search MATCH @match AND ${VISIBLE} ORDER BY s.rowid DESC LIMIT @limit`,
        ).all({ match, now, limit })
      : sql(
          db,
          `SELECT m.seq FROM message_search s JOIN messages m ON m.seq = s.rowid
           WHERE message_search MATCH @match AND ${VISIBLE}
             AND m.conversation_id IN (SELECT value FROM json_each(@conversations))
           ORDER BY s.rowid DESC LIMIT @limit`,
        ).all({ match, now, limit, conversations: JSON.stringify(conversations) });
  return (rows as { seq: number }[]).map((row): Hit => ({ seq: row.seq, matchedIn: 'body' }));
}

/** The newest message that may be found in each conversation named. */
function newestVisible(db: Database, conversations: readonly string[], now: number): Hit[] {
  const statement = sql(
    db,
    `SELECT m.seq FROM messages m WHERE m.conversation_id = @id AND ${VISIBLE} ORDER BY m.sent_at DESC, m.seq DESC LIMIT 1`,
  );
  return conversations.flatMap((id) => {
    const row = statement.get({ id, now }) as { seq: number } | undefined;
    return row === undefined ? [] : [{ seq: row.seq, matchedIn: 'conversation' as const }];
  });
}

function rowsFor(db: Database, hits: readonly Hit[], selfId: string): SearchRow[] {
  const statement = sql(
    db,
    `SELECT m.id, m.conversation_id, m.sender_id, m.direction, m.sent_at, m.priority, m.body,
       c.kind, c.title, c.patient_label, c.role_address_id, c.role_address_name,
       (SELECT p.display_name FROM participants p WHERE p.conversation_id = m.conversation_id AND p.user_id = m.sender_id)
         AS sender_name,
       (SELECT group_concat(display_name, char(31)) FROM (SELECT display_name FROM participants p
          WHERE p.conversation_id = c.id AND p.user_id <> @selfId ORDER BY display_name)) AS other_names
     FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.seq = @seq`,
  );
  return hits.flatMap((hit) => {
    const row = statement.get({ seq: hit.seq, selfId }) as
      | {
          id: string;
          conversation_id: string;
          sender_id: string;
          direction: 'in' | 'out';
          sent_at: number;
          priority: Priority;
          body: string;
          kind: ConversationKind;
          title: string | null;
          patient_label: string | null;
          role_address_id: string | null;
          role_address_name: string | null;
          sender_name: string | null;
          other_names: string | null;
        }
      | undefined;
    if (row === undefined) return [];
    return [
      {
        messageId: row.id,
        conversationId: row.conversation_id,
        senderId: row.sender_id,
        senderName: row.sender_name,
        direction: row.direction,
        sentAt: row.sent_at,
        priority: row.priority,
        body: row.body,
        matchedIn: hit.matchedIn,
        conversation: {
          kind: row.kind,
          title: row.title,
          patientLabel: row.patient_label,
          roleAddressId: row.role_address_id,
          roleAddressName: row.role_address_name,
          otherNames: row.other_names === null ? [] : row.other_names.split('\u001f'),
        },
      },
    ];
  });
}

export const searchReads = {
  /**
   * The newest `limit` messages the query finds (module header), and whether there are more.
   * Each word is looked up in the subject and patient index first; a conversation that names
   * some of the words needs only the others in a message's body.
   */
  'message.search': (
    db: Database,
    args: { text: string; selfId: string; now: number; limit: number },
  ): { rows: SearchRow[]; more: boolean } => {
    const words = searchWords(args.text);
    if (words.length === 0) return { rows: [], more: false };
    const phrases = queryPhrases(words);
    const all = (1 << words.length) - 1;
    // Which words each conversation's subject or patient label holds, as a bit per word.
    const named = new Map<string, number>();
    phrases.forEach((match, i) => {
      const ids = sql(
        db,
        'SELECT conversation_id AS id FROM conversation_search WHERE conversation_search MATCH ? LIMIT ?',
      ).all(match, CONVERSATIONS_PER_WORD) as { id: string }[];
      for (const { id } of ids) named.set(id, (named.get(id) ?? 0) | (1 << i));
    });
    // Conversations grouped by the words their messages' bodies must still hold.
    const byMissing = new Map<number, string[]>();
    const whole: string[] = [];
    for (const [id, mask] of named) {
      if (mask === all) whole.push(id);
      else byMissing.set(all & ~mask, [...(byMissing.get(all & ~mask) ?? []), id]);
    }
    const limit = args.limit + 1;
    const hits = [
      ...bodyHits(db, phrases.join(' '), null, args.now, limit),
      ...[...byMissing].flatMap(([missing, ids]) =>
        bodyHits(db, phrases.filter((_, i) => (missing & (1 << i)) !== 0).join(' '), ids, args.now, limit),
      ),
      ...newestVisible(db, whole, args.now),
    ];
    // Newest first; a message found twice is one result, found by its body if it was.
    const unique = new Map<number, Hit>();
    for (const hit of hits.sort((a, b) => b.seq - a.seq || (a.matchedIn === 'body' ? -1 : 1)))
      if (!unique.has(hit.seq)) unique.set(hit.seq, hit);
    const page = [...unique.values()];
    return { rows: rowsFor(db, page.slice(0, args.limit), args.selfId), more: page.length > args.limit };
  },
} as const;
