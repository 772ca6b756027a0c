/**
 * Every operation a clinician's vault supports, run inside the store worker: the one dispatch
 * table (database-kinds.ts gives it to the worker; the client's types are derived from it, so a
 * call and its implementation cannot drift apart). Each table family keeps its operations in
 * ops/, split, as Signal's storage interface is, into reads (answer, change nothing: a test runs
 * each and checks) and writes (each one transaction). Operations are synchronous on purpose: they
 * run on the worker's thread, never on main's.
 */
import { contactKeyReads, contactKeyWrites } from './ops/contact-key-ops';
import { conversationReads, conversationWrites } from './ops/conversation-ops';
import { expiryReads, expiryWrites } from './ops/expiry-ops';
import { feedReads, feedWrites } from './ops/feed-ops';
import { messageReads, messageWrites } from './ops/message-ops';
import { outboxReads, outboxWrites } from './ops/outbox-ops';
import { readStateReads, readStateWrites } from './ops/read-state-ops';
import { receiptWrites } from './ops/receipt-ops';
import { retentionWrites } from './ops/retention-ops';
import { attachmentReads, attachmentWrites } from './ops/attachment-ops';
import { acknowledgementReads, acknowledgementWrites } from './ops/acknowledgement-ops';
import { searchReads } from './ops/search-ops';
import { settingReads, settingWrites } from './ops/setting-ops';

/** Operations that only read the vault. */
export const vaultReads = {
  ...conversationReads,
  ...messageReads,
  ...readStateReads,
  ...expiryReads,
  ...outboxReads,
  ...contactKeyReads,
  ...settingReads,
  ...acknowledgementReads,
  ...attachmentReads,
  ...searchReads,
  ...feedReads,
} as const;

/** Operations that change the vault. */
export const vaultWrites = {
  ...conversationWrites,
  ...messageWrites,
  ...readStateWrites,
  ...expiryWrites,
  ...outboxWrites,
  ...receiptWrites,
  ...retentionWrites,
  ...acknowledgementWrites,
  ...attachmentWrites,
  ...contactKeyWrites,
  ...settingWrites,
  ...feedWrites,
} as const;

export const storeOps = { ...vaultReads, ...vaultWrites } as const;

export type StoreOps = typeof storeOps;
