/**
 * The server's own records in the audit trail: who ended or restored someone's access
 * (account_events: deactivated, reactivated, sessions revoked, a session ended by its user from
 * elsewhere). The server keeps one chain like a workstation's, under its own chain id, signed with
 * its audit key. account_events is the outbox: each row is written in the same transaction as the
 * change it records, and folded into the chain in order afterwards (at start and after every
 * change), with the folded point kept in the same transaction as the fold, so a crash between
 * the two only delays a record.
 */
import { batchSigningBytes, entryHash, fromHex, hex } from '../../shared/audit/audit-chain';
import { blake2b256 } from '../../shared/audit/blake2b';
import type { ChainedEntry } from '../../shared/audit/audit-entry';
import type { AuditRecord } from '../../shared/audit/audit-event';
import { ROLES, type Role } from '../../shared/access/permission-matrix';
import type { AccountEventAction } from '../accounts/account-events';
import { serverSecret } from '../accounts/server-secret';
import type { Clock } from '../clock';
import { loadSodium } from '../crypto/sodium';
import type { Database } from '../db/database';
import { appendBatch, chainEnd } from './audit-intake';
import type { AuditSigningKey } from './audit-signing-key';
import { AUDIT_TREE_LOCK_ID, type AuditTree } from './audit-tree';

export const SERVER_CHAIN_SECRET = 'audit-server-chain';
const FOLD_PAGE = 500;

/** The reason code each account event is recorded with, under the catalogue's `admin.action`. */
const REASONS: Record<AccountEventAction, string> = {
  'account.deactivated': 'ACCOUNT_DEACTIVATED',
  'account.reactivated': 'ACCOUNT_REACTIVATED',
  'sessions.revoked': 'SESSIONS_REVOKED',
  'session.ended-by-user': 'SESSION_ENDED_BY_USER',
};

/** A UUID (v4 layout) made from the server secret, so every instance uses the same chain id. */
export async function serverChainId(db: Database): Promise<string> {
  const bytes = Buffer.from(await serverSecret(db, SERVER_CHAIN_SECRET)).subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface ServerTrail {
  /** Folds every account event not yet in the trail; safe to call at any time, from any instance. */
  fold(): Promise<number>;
}

export function createServerTrail(deps: { db: Database; tree: AuditTree; key: AuditSigningKey; clock: Clock; chainId: string }): ServerTrail {
  let running: Promise<number> | null = null;

  async function foldPage(): Promise<number> {
    await loadSodium();
    let appendedFrom = null as number | null;
    try {
      return await deps.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_TREE_LOCK_ID]);
        await deps.tree.catchUp(tx);
        await tx.query('INSERT INTO audit_server_cursor (id, last_event) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
        const [cursor] = await tx.query<{ last_event: number | string }>('SELECT last_event FROM audit_server_cursor WHERE id = 1');
        const events = await tx.query<{ id: number | string; at: number | string; actor: string; action: AccountEventAction; target_user_id: string; role: string | null }>(
          `SELECT e.id, e.at, e.actor, e.action, e.target_user_id, a.role FROM account_events e LEFT JOIN accounts a ON a.user_id = e.actor
           WHERE e.id > $1 ORDER BY e.id LIMIT $2`,
          [Number(cursor?.last_event ?? 0), FOLD_PAGE],
        );
        if (events.length === 0) return 0;
        const end = await chainEnd(tx, deps.chainId);
        const fresh: ChainedEntry[] = [];
        let previous = end.lastHash;
        let seq = end.lastSeq;
        for (const event of events) {
          seq += 1;
          const role = event.role !== null && (ROLES as readonly string[]).includes(event.role) ? (event.role as Role) : null;
          const record: AuditRecord = {
            actor: { userId: event.actor, role },
            action: 'admin.action',
            object: { kind: 'account', id: event.target_user_id },
            patient: null,
            at: Number(event.at),
            seq,
            workstationId: deps.chainId,
            outcome: 'success',
            reason: REASONS[event.action],
          };
          const hash = hex(entryHash(blake2b256, fromHex(previous) as Uint8Array, record));
          fresh.push({ record, previousHash: previous, hash });
          previous = hash;
        }
        const first = fresh[0] as ChainedEntry;
        const last = fresh.at(-1) as ChainedEntry;
        const signature = deps.key.sign(
          batchSigningBytes({ deviceId: deps.chainId, firstSeq: first.record.seq, lastSeq: last.record.seq, previousHash: fromHex(first.previousHash) as Uint8Array, lastHash: fromHex(last.hash) as Uint8Array }),
        );
        appendedFrom = deps.tree.log.size;
        await appendBatch(tx, deps.tree, {
          workstationId: deps.chainId,
          fresh,
          signed: { firstSeq: first.record.seq, lastSeq: last.record.seq, previousHash: first.previousHash, lastHash: last.hash, signature, devicePublicKey: deps.key.publicKey },
          now: deps.clock(),
        });
        await tx.query('UPDATE audit_server_cursor SET last_event = $1 WHERE id = 1', [Number(events.at(-1)?.id)]);
        return events.length;
      });
    } catch (error) {
      if (appendedFrom !== null) deps.tree.log.truncate(appendedFrom);
      throw error;
    }
  }

  async function foldAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const folded = await foldPage();
      total += folded;
      if (folded < FOLD_PAGE) return total;
    }
  }

  return {
    fold() {
      // One fold at a time in this process; a call during one waits for it and runs again.
      const next = (running ?? Promise.resolve(0)).catch(() => 0).then(foldAll);
      running = next;
      return next;
    },
  };
}
