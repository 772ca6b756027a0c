/**
 * A page of the feed is stored in one transaction (main/store/ops/feed-ops.ts): its messages and
 * receipts in order, each message admitted by the thread rule against what the vault holds at
 * that moment (messaging/thread-admission.ts), and the cursor moved past the page, never back.
 */
import type { Database } from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FEED_CURSOR_SETTING, feedReads, feedWrites, type PageItem } from '../../../main/store/ops/feed-ops';
import { vaultReads } from '../../../main/store/store-ops';
import { openSqlCipher } from '../../../main/store/sqlcipher-connection';
import { randomKey, tempDir } from '../../support/vault-fixtures';
import { conversation, message } from '../../support/vault-records';

const members = conversation.participants.map((p) => p.userId);
const item = (i: number, claim = { members, standby: [] as string[] }): PageItem => ({
  type: 'message',
  conversation,
  message: message(i),
  claim,
});
const cursor = () => vaultReads['setting.get'](db, { key: FEED_CURSOR_SETTING });

let db: Database;
beforeEach(() => {
  db = openSqlCipher(path.join(tempDir('wardline-feed-page-'), 'vault.db'), randomKey(), { create: true });
});
afterEach(() => db.close());

describe('a page of the feed in the vault', () => {
  it('stores messages and receipts in order, a repeat once, and moves the cursor past them', () => {
    const outcomes = feedWrites['feed.storePage'](db, {
      items: [
        item(1),
        item(2),
        { type: 'receipt', messageId: message(1).id, userId: 'nurse.adams', kind: 'read', at: 9 },
        item(1),
        { type: 'receipt', messageId: 'msg-unknown', userId: 'nurse.adams', kind: 'delivered', at: 9 },
      ],
      cursor: 7,
    });
    expect(outcomes).toEqual([
      { type: 'message', outcome: 'stored' },
      { type: 'message', outcome: 'stored' },
      { type: 'receipt', conversationId: conversation.id },
      { type: 'message', outcome: 'duplicate' },
      { type: 'receipt', conversationId: null },
    ]);
    expect(vaultReads['message.find'](db, { id: message(1).id })?.readCount).toBe(1);
    expect(cursor()).toBe('7');
  });

  it('refuses a message that reuses a conversation with other members, inside the page that started it', () => {
    const outcomes = feedWrites['feed.storePage'](db, {
      items: [item(1), item(2, { members: [...members, 'intruder'], standby: [] })],
      cursor: 2,
    });
    expect(outcomes.map((o) => (o.type === 'message' ? o.outcome : o.type))).toEqual([
      'stored',
      'CONVERSATION_MISMATCH',
    ]);
    expect(vaultReads['message.find'](db, { id: message(2).id })).toBeNull();
  });

  it('takes a reply that leaves someone out only for someone a plan in the thread names', () => {
    const withPlan = {
      ...item(1),
      message: {
        ...message(1),
        priority: 'stat' as const,
        escalationPlan: {
          repeatEveryMs: null,
          steps: [{ afterMs: 60_000, to: ['dr.backup'], reason: 'backup' as const }],
        },
      },
    } as PageItem;
    const outcomes = feedWrites['feed.storePage'](db, {
      items: [withPlan, item(2, { members, standby: ['dr.backup'] }), item(3, { members, standby: ['dr.other'] })],
      cursor: 3,
    });
    expect(outcomes.map((o) => (o.type === 'message' ? o.outcome : o.type))).toEqual([
      'stored',
      'stored',
      'PARTICIPANTS_MISMATCH',
    ]);
  });

  it('never moves the cursor back, and a page without one leaves it', () => {
    feedWrites['feed.storePage'](db, { items: [item(1)], cursor: 10 });
    feedWrites['feed.storePage'](db, { items: [item(2)], cursor: 9 });
    expect(cursor()).toBe('10');
    feedWrites['feed.storePage'](db, { items: [item(3)], cursor: null });
    expect(cursor()).toBe('10');
  });

  it('stores all of a page or none of it', () => {
    const broken = { ...item(2), message: { ...message(2), priority: 'bogus' } } as unknown as PageItem;
    expect(() => feedWrites['feed.storePage'](db, { items: [item(1), broken], cursor: 5 })).toThrow();
    expect(vaultReads['message.find'](db, { id: message(1).id })).toBeNull();
    expect(cursor()).toBeNull();
  });

  it('tells the receiver which conversations and messages it holds', () => {
    feedWrites['feed.storePage'](db, { items: [item(1)], cursor: 1 });
    const answer = feedReads['feed.threads'](db, {
      conversationIds: [conversation.id, 'conv-new', conversation.id],
      messageIds: [message(1).id, message(2).id],
      plansFor: [],
    });
    expect(answer.known).toEqual([message(1).id]);
    expect(answer.threads).toEqual([
      {
        id: conversation.id,
        members: expect.arrayContaining(members) as unknown,
        patientRef: 'MRN-00424242',
        plans: null,
      },
    ]);
  });
});
