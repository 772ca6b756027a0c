/**
 * The server's own records in the audit trail: what it served (served-events.ts: sessions issued
 * and ended, envelopes accepted, history read, audit searches and exports), and who ended or restored someone's access
 * (account_events: deactivated, reactivated, sessions revoked, a session ended by its user from
 * elsewhere) and every other administrative action (admin_events: accounts created, role
 * addresses and their members, legal holds, purges, SIEM forwarding, and lockouts of real
 * accounts, which the server records as `account.locked-out` with no actor). The server keeps one chain
 * like a workstation's, under its own chain id, signed with its audit key. The three tables are
 * the outbox: each row is written in the same transaction as the change it records, and folded
 * into the chain in order afterwards (at start and after every change), with the folded points
 * kept in the same transaction as the fold, so a crash between the two only delays a record.
 */
import { batchSigningBytes, entryHash, fromHex, hex } from '../../shared/audit/audit-chain';
import { blake2b256 } from '../../shared/audit/blake2b';
import type { ChainedEntry } from '../../shared/audit/audit-entry';
import { auditObject, type AuditObject, type AuditRecord } from '../../shared/audit/audit-event';
import { ROLES, type Role } from '../../shared/access/permission-matrix';
import { storedRoles } from '../accounts/account-store';
import { accountEventsAfter } from '../accounts/account-event-store';
import type { AccountEventAction } from '../accounts/account-events';
import { serverSecret } from '../accounts/server-secret-store';
import { adminEventsAfter } from '../admin/admin-event-store';
import { isUserId, type AdminEventAction } from '../admin/admin-events';
import { siemDestinationObject } from '../admin/siem-configuration';
import type { Clock } from '../clock';
import { loadSodium } from '../../shared/node/crypto/sodium';
import type { Database, Queryable } from '../db/database';
import { chainEnd } from './audit-head-store';
import { appendBatch } from './audit-intake';
import { SERVED_ACTIONS } from './served-events';
import { servedEventsAfter, type ServedRow } from './served-event-store';
import { advanceServerCursor, readServerCursor } from './server-cursor-store';
import type { AuditSigningKey } from './audit-signing-key';
import type { AuditTree } from './audit-tree';
import { lockAuditTree, lockOutboxesForFold } from './audit-tree-store';

export const SERVER_CHAIN_SECRET = 'audit-server-chain';
const FOLD_PAGE = 500;

/** The reason code each event is recorded with, under the catalogue's `admin.action`. */
const REASONS: Record<AccountEventAction | AdminEventAction, string> = {
  'account.deactivated': 'ACCOUNT_DEACTIVATED',
  'account.reactivated': 'ACCOUNT_REACTIVATED',
  'sessions.revoked': 'SESSIONS_REVOKED',
  'session.ended-by-user': 'SESSION_ENDED_BY_USER',
  'account.created': 'ACCOUNT_CREATED',
  'role-address.saved': 'ROLE_ADDRESS_SAVED',
  'role-address.member-added': 'ROLE_MEMBER_ADDED',
  'role-address.member-removed': 'ROLE_MEMBER_REMOVED',
  'legal-hold.placed': 'LEGAL_HOLD_PLACED',
  'legal-hold.released': 'LEGAL_HOLD_RELEASED',
  'audit.purged': 'AUDIT_PURGED',
  'siem.enabled': 'SIEM_FORWARDING_ENABLED',
  'siem.disabled': 'SIEM_FORWARDING_DISABLED',
  'siem.changed': 'SIEM_DESTINATION_CHANGED',
  'account.locked-out': 'ACCOUNT_LOCKED_OUT',
  'account.unlocked': 'ACCOUNT_UNLOCKED',
};

/** Catalogue actions of their own; every other event is an `admin.action` with its reason code. */
const ACTIONS: Partial<Record<AccountEventAction | AdminEventAction, AuditRecord['action']>> = {
  'account.locked-out': 'account.locked-out',
};

/** One outbox row, ready to become a record of the server's chain. */
interface TrailEvent {
  readonly at: number;
  readonly actor: string;
  readonly action: AccountEventAction | AdminEventAction;
  readonly targetUserId: string | null;
  readonly subject: string | null;
  readonly affected: number | null;
  readonly receivedBefore: number | null;
  readonly outcome: 'success' | 'failure';
  readonly reason: string | null;
}

/** A UUID (v4 layout) made from the server secret, so every instance uses the same chain id. */
export async function serverChainId(db: Database): Promise<string> {
  const bytes = Buffer.from(await serverSecret(db, SERVER_CHAIN_SECRET)).subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const REASON_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

/** The object an event is about, in full: which hold, which role address and member, which purge, which destination. */
function objectOf(event: TrailEvent): AuditObject {
  const account = event.targetUserId;
  const target = account !== null && isUserId(account) ? account : null;
  switch (event.action) {
    case 'legal-hold.placed':
    case 'legal-hold.released':
      return event.subject === null ? { kind: 'none' } : { kind: 'legal-hold', id: event.subject, userId: target };
    case 'role-address.saved':
    case 'role-address.member-added':
    case 'role-address.member-removed':
      return event.subject === null ? { kind: 'none' } : { kind: 'role-address', id: event.subject, userId: target };
    case 'audit.purged':
      // A refused purge removed nothing and never came to a bound.
      return event.affected === null || event.receivedBefore === null
        ? { kind: 'none' }
        : { kind: 'audit-purge', receivedBefore: event.receivedBefore, records: event.affected };
    case 'siem.enabled':
    case 'siem.changed':
    case 'siem.disabled':
      return siemDestinationObject(event.subject);
    default:
      return target === null ? { kind: 'none' } : { kind: 'account', id: target };
  }
}

/**
 * The record for an event. Both outboxes are written by checked code, but a row that would not
 * fit the catalogue (a hand-written actor, say) must not stop the fold forever: such a field is
 * left out (an unknown actor, no object), never carried as it is.
 */
function recordOf(event: TrailEvent, roles: ReadonlyMap<string, Role>, chainId: string, seq: number): AuditRecord {
  const actor = isUserId(event.actor) ? event.actor : null;
  const candidate = objectOf(event);
  const object: AuditObject = auditObject.safeParse(candidate).success ? candidate : { kind: 'none' };
  const failure =
    event.outcome === 'failure' && event.reason !== null && REASON_CODE.test(event.reason) ? event.reason : null;
  return {
    actor: { userId: actor, role: actor === null ? null : (roles.get(actor) ?? null) },
    action: ACTIONS[event.action] ?? 'admin.action',
    object,
    patient: null,
    at: event.at,
    seq,
    workstationId: chainId,
    outcome: event.outcome,
    reason: failure ?? REASONS[event.action],
  };
}

/** A served event's record: as written at the source, or without what no longer reads (never carried as it is). */
function servedRecordOf(row: ServedRow, roles: ReadonlyMap<string, Role>, chainId: string, seq: number): AuditRecord {
  const actor = row.actor !== null && isUserId(row.actor) ? row.actor : null;
  const action = (SERVED_ACTIONS as readonly string[]).includes(row.action)
    ? (row.action as AuditRecord['action'])
    : 'admin.action';
  return {
    actor: { userId: actor, role: actor === null ? null : (roles.get(actor) ?? null) },
    action,
    object: row.object ?? { kind: 'none' },
    patient: null,
    at: row.at,
    seq,
    workstationId: chainId,
    outcome: row.outcome,
    reason: row.reason !== null && REASON_CODE.test(row.reason) ? row.reason : null,
  };
}

async function rolesOf(tx: Queryable, userIds: readonly string[]): Promise<Map<string, Role>> {
  const rows = await storedRoles(tx, userIds);
  return new Map(
    rows.flatMap((row) =>
      (ROLES as readonly string[]).includes(row.role) ? [[row.userId, row.role as Role] as const] : [],
    ),
  );
}

export interface ServerTrail {
  /** Folds every account event not yet in the trail; safe to call at any time, from any instance. */
  fold(): Promise<number>;
  /**
   * Folds within `foldDelayMs`, once for everything asked meanwhile: what the server serves all
   * day (sends, history) shares one tree head per batch instead of signing one per request.
   */
  schedule(): void;
  /** Folds what is still scheduled now (before the server closes). */
  flush(): Promise<void>;
}

export interface ServerTrailDeps {
  readonly db: Database;
  readonly tree: AuditTree;
  readonly key: AuditSigningKey;
  readonly clock: Clock;
  readonly chainId: string;
  /** How long a scheduled fold waits for more events. */
  readonly foldDelayMs?: number;
  /** Told after a scheduled fold: how many records it folded, or that it failed. */
  readonly onScheduledFold?: (outcome: { folded: number } | { error: unknown }) => void;
}

/** A quarter of a second: the server's chain lags what it served by about that much. */
export const SERVED_FOLD_DELAY_MS = 250;

export function createServerTrail(deps: ServerTrailDeps): ServerTrail {
  let running: Promise<number> | null = null;
  let timer: NodeJS.Timeout | null = null;

  async function foldPage(): Promise<{ folded: number; full: boolean }> {
    await loadSodium();
    let appendedFrom = null as number | null;
    try {
      return await deps.db.transaction(async (tx) => {
        await lockAuditTree(tx);
        // Every outbox writer in flight finishes first, so no row commits behind the cursor (a
        // bounded wait: see lockOutboxesForFold).
        await lockOutboxesForFold(tx);
        await deps.tree.catchUp(tx);
        const cursor = await readServerCursor(tx);
        const accountRows = await accountEventsAfter(tx, cursor.lastAccountEvent, FOLD_PAGE);
        const adminRows = await adminEventsAfter(tx, cursor.lastAdminEvent, FOLD_PAGE);
        const servedRows = await servedEventsAfter(tx, cursor.lastServedEvent, FOLD_PAGE);
        if (accountRows.length === 0 && adminRows.length === 0 && servedRows.length === 0)
          return { folded: 0, full: false };
        // Every outbox, in the order things happened (a stable sort keeps each table's order).
        type Pending = {
          readonly at: number;
          readonly actor: string | null;
          readonly build: (roles: ReadonlyMap<string, Role>, seq: number) => AuditRecord;
        };
        const trailEvents: TrailEvent[] = [
          ...accountRows.map((row) => ({
            at: row.at,
            actor: row.actor,
            action: row.action,
            targetUserId: row.targetUserId,
            subject: null,
            affected: null,
            receivedBefore: null,
            outcome: 'success' as const,
            reason: null,
          })),
          ...adminRows,
        ];
        const events: Pending[] = [
          ...trailEvents.map((event) => ({
            at: event.at,
            actor: event.actor,
            build: (roles: ReadonlyMap<string, Role>, seq: number) => recordOf(event, roles, deps.chainId, seq),
          })),
          ...servedRows.map((row) => ({
            at: row.at,
            actor: row.actor,
            build: (roles: ReadonlyMap<string, Role>, seq: number) => servedRecordOf(row, roles, deps.chainId, seq),
          })),
        ].sort((a, b) => a.at - b.at);
        const roles = await rolesOf(
          tx,
          events.flatMap((event) => (event.actor === null ? [] : [event.actor])),
        );
        const end = await chainEnd(tx, deps.chainId);
        const fresh: ChainedEntry[] = [];
        let previous = end.lastHash;
        let seq = end.lastSeq;
        for (const event of events) {
          seq += 1;
          const record = event.build(roles, seq);
          const hash = hex(entryHash(blake2b256, fromHex(previous) as Uint8Array, record));
          fresh.push({ record, previousHash: previous, hash });
          previous = hash;
        }
        const first = fresh[0] as ChainedEntry;
        const last = fresh.at(-1) as ChainedEntry;
        const signature = deps.key.sign(
          batchSigningBytes({
            deviceId: deps.chainId,
            firstSeq: first.record.seq,
            lastSeq: last.record.seq,
            previousHash: fromHex(first.previousHash) as Uint8Array,
            lastHash: fromHex(last.hash) as Uint8Array,
          }),
        );
        appendedFrom = deps.tree.log.size;
        await appendBatch(tx, deps.tree, {
          workstationId: deps.chainId,
          fresh,
          signed: {
            firstSeq: first.record.seq,
            lastSeq: last.record.seq,
            previousHash: first.previousHash,
            lastHash: last.hash,
            signature,
            devicePublicKey: deps.key.publicKey,
          },
          now: deps.clock(),
        });
        await advanceServerCursor(tx, {
          lastAccountEvent: accountRows.at(-1)?.id ?? 0,
          lastAdminEvent: adminRows.at(-1)?.id ?? 0,
          lastServedEvent: servedRows.at(-1)?.id ?? 0,
        });
        return {
          folded: events.length,
          full: accountRows.length === FOLD_PAGE || adminRows.length === FOLD_PAGE || servedRows.length === FOLD_PAGE,
        };
      });
    } catch (error) {
      if (appendedFrom !== null) deps.tree.log.truncate(appendedFrom);
      throw error;
    }
  }

  async function foldAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const { folded, full } = await foldPage();
      total += folded;
      if (!full) return total;
    }
  }

  function fold(): Promise<number> {
    // One fold at a time in this process; a call during one waits for it and runs again.
    const next = (running ?? Promise.resolve(0)).catch(() => 0).then(foldAll);
    running = next;
    return next;
  }

  function runScheduled(): Promise<void> {
    timer = null;
    return fold().then(
      (folded) => deps.onScheduledFold?.({ folded }),
      (error: unknown) => deps.onScheduledFold?.({ error }),
    );
  }

  return {
    fold,
    schedule() {
      if (timer !== null) return;
      timer = setTimeout(() => void runScheduled(), deps.foldDelayMs ?? SERVED_FOLD_DELAY_MS);
      timer.unref();
    },
    async flush() {
      if (timer === null) return;
      clearTimeout(timer);
      await runScheduled();
    },
  };
}
