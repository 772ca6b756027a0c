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
 * What each row becomes on the chain is server-records.ts's to say; this module only chains them.
 */
import { batchSigningBytes, entryHash, fromHex, hex } from '../../shared/audit/audit-chain';
import { blake2b256 } from '../../shared/audit/blake2b';
import type { ChainedEntry } from '../../shared/audit/audit-entry';
import type { AuditRecord } from '../../shared/audit/audit-event';
import { ROLES, type Role } from '../../shared/access/permission-matrix';
import { storedRoles } from '../accounts/account-store';
import { accountEventsAfter } from '../accounts/account-event-store';
import { serverSecret } from '../accounts/server-secret-store';
import { adminEventsAfter } from '../admin/admin-event-store';
import type { Clock } from '../clock';
import { loadSodium } from '../../shared/node/crypto/sodium';
import type { Database, Queryable } from '../db/database';
import { chainEnd } from './audit-head-store';
import { appendBatch } from './audit-intake';
import { servedEventsAfter } from './served-event-store';
import { recordOf, servedRecordOf, type TrailEvent } from './server-records';
import { advanceServerCursor, readServerCursor } from './server-cursor-store';
import type { AuditSigningKey } from './audit-signing-key';
import type { AuditTree } from './audit-tree';
import { lockAuditTree, lockOutboxesForFold } from './audit-tree-store';

export const SERVER_CHAIN_SECRET = 'audit-server-chain';
const FOLD_PAGE = 500;

/** A UUID (v4 layout) made from the server secret, so every instance uses the same chain id. */
export async function serverChainId(db: Database): Promise<string> {
  const bytes = Buffer.from(await serverSecret(db, SERVER_CHAIN_SECRET)).subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
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
            retentionDays: null,
            blobsAffected: null,
            roleAddressBounds: null,
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
