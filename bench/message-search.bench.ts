/**
 * Message search over a vault of 100,000 messages (`message.search`, main/store/ops/search-ops.ts),
 * through the store worker as the app calls it, against the conversation list's first page in
 * the same run (the query every unlock and every change already makes, so the ratio says what a
 * search costs beside it on this machine).
 *
 * The vault: 500 conversations of 200 messages, most about a patient (100 surnames, so each name
 * is on about five), all with a subject; bodies of twelve words from a ward vocabulary and a
 * number. The queries are what a nurse types: a word, two words, a prefix being typed, a
 * patient's name, a patient with a word of a message, a word every conversation's subject holds
 * with a word of a message (the most work the subject index can ask), a word nothing holds, and a
 * word in nearly every message. Each is asked ROUNDS times, in turns.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConversationRecord } from '../main/store/ops/conversation-ops';
import type { IncomingMessage } from '../main/store/ops/message-ops';
import { openSqlCipher } from '../main/store/sqlcipher-connection';
import { openStore } from '../main/store/store-client';
import { storeOps } from '../main/store/store-ops';
import type { Benchmark } from './bench-kit';
import { median, percentile } from './support/stats';

const MESSAGES = 100_000;
const CONVERSATIONS = 500;
const ROUNDS = 40;
const SELF = 'nurse.adams';

const WORDS =
  'patient bed potassium troponin review discharge ward round chest pain insulin sliding scale overnight fluids bloods culture sepsis antibiotics handover family called consultant theatre fasting allergy penicillin observations stable'.split(
    ' ',
  );
const SURNAMES = Array.from(
  { length: 100 },
  (_, i) =>
    `${['Quig', 'Okon', 'Mensa', 'Ortiz', 'Lind'][i % 5]!}ley${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
);
const SUBJECTS = [
  'Post-op review',
  'Overnight review',
  'Discharge review',
  'Electrolytes review',
  'Family update review',
];

const QUERIES = [
  'potassium',
  'chest pain',
  'insulin slid',
  'bed 14',
  SURNAMES[0]!,
  `${SURNAMES[0]!} potassium`,
  'review potassium',
  'vancomycin',
  'patient',
  'po',
];

function body(i: number): string {
  const words: string[] = [];
  for (let w = 0; w < 12; w += 1) words.push(WORDS[(i * 7 + w * 13 + (i >> 3)) % WORDS.length]!);
  return `${words.join(' ')} ${String(i % 40)}`;
}

function conversation(c: number): ConversationRecord {
  return {
    id: `c-${String(c)}`,
    kind: 'direct',
    title: SUBJECTS[c % SUBJECTS.length]!,
    roleAddressId: null,
    roleAddressName: null,
    createdAt: 1,
    patient:
      c % 5 === 4
        ? null
        : { ref: `pat-${String(c).padStart(6, '0')}`, label: `${SURNAMES[c % 100]!}, bed ${String(c % 30)}` },
    participants: [
      { userId: SELF, displayName: 'Philippa Adams', role: 'nurse', department: 'Ward 7B', title: null },
      { userId: 'dr.okafor', displayName: 'Chidinma Okafor', role: 'physician', department: 'Cardiology', title: null },
    ],
  };
}

function received(i: number): { conversation: ConversationRecord; message: IncomingMessage } {
  const c = i % CONVERSATIONS;
  return {
    conversation: conversation(c),
    message: {
      id: `m-${String(i).padStart(7, '0')}`,
      conversationId: `c-${String(c)}`,
      senderId: 'dr.okafor',
      sentAt: 1_700_000_000_000 + i * 1000,
      receivedAt: 1_700_000_000_000 + i * 1000,
      priority: 'routine',
      expiresAt: null,
      recipientCount: 1,
      envelope: new Uint8Array(randomBytes(160)),
      body: body(i),
      direction: 'in',
    },
  };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export const benchmark: Benchmark = {
  name: 'message-search',
  description: 'message search over 100,000 messages in the vault, beside the conversation list page',
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wardline-bench-search-'));
    try {
      const file = path.join(dir, 'vault.db');
      const key = new Uint8Array(randomBytes(32));
      // Filled in large transactions through the app's own write operation (the triggers keep
      // both indexes), then opened as the app opens it: through the store worker.
      const db = openSqlCipher(file, key, { create: true });
      for (let i = 0; i < MESSAGES; i += 5000)
        db.transaction(() => {
          for (let k = i; k < i + 5000; k += 1) storeOps['message.receive'](db, received(k));
        })();
      db.close();
      const store = await openStore(file, key, { create: false });
      const now = 1_700_000_000_000 + MESSAGES * 1000;
      const search = (text: string) => store.call('message.search', { text, selfId: SELF, now, limit: 50 });
      const page = () => store.call('conversation.page', { selfId: SELF, limit: 50, offset: 0 });

      // Warm both alike (the page cache, prepared statements), then take turns.
      for (const text of QUERIES) await search(text);
      await page();
      const searches: number[] = [];
      const pages: number[] = [];
      const perQuery = new Map<string, number[]>(QUERIES.map((text) => [text, []]));
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const text of QUERIES) {
          const ms = await timed(() => search(text));
          searches.push(ms);
          perQuery.get(text)?.push(ms);
        }
        pages.push(await timed(page));
      }
      await store.close();

      const slowest = Math.max(...[...perQuery.values()].map(median));
      return {
        search_100k_median: { value: median(searches), unit: 'ms', goal: '<= 30' },
        search_100k_p99: { value: percentile(searches, 99), unit: 'ms', goal: null },
        search_slowest_query_median: { value: slowest, unit: 'ms', goal: null },
        conversation_page_baseline_median: { value: median(pages), unit: 'ms', goal: null },
        search_vs_conversation_page_ratio: { value: median(searches) / median(pages), unit: 'ratio', goal: null },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
