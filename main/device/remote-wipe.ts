/**
 * What a remote wipe does on this workstation, once device-commands.ts has checked the command
 * is the server's. Each runs with the session held (main/session/session-service.ts:
 * `whileWiping`): whoever it concerns is signed out first, with the reason the sign-in screen
 * shows, and nobody signs in until it is over.
 *
 * - Workstation: the wipe is recorded in the device audit log, every vault is crypto-shredded
 *   (unreadable ones too) and this OS user's compliance exports are deleted (another user's,
 *   in their own profile, are beyond this process), at once, not after the network.
 *   Then the audit log is synced (bounded wait): if every record reached the server, including
 *   the wipe's own, the wipe is reported (signed with the device key) and the log's key shredded
 *   right after, one step across a crash (device-key-shred.ts); if not, the log is kept (it
 *   syncs later) and the wipe is reported as `wiped-audit-kept`.
 * - User: recorded, that person's vault crypto-shredded, reported.
 *
 * Doing either twice (the report lost, the command fetched again) is harmless: a vault already
 * gone is not an error, and the report of a command done is answered as the first one was.
 */
import { rmSync } from 'node:fs';
import { auditEvent, NO_ACTOR } from '../../shared/audit/audit-event-builder';
import type { WipeOutcome } from '../../shared/protocol/device-command-api';
import type { AuditTrail } from '../audit/audit-trail';
import type { Logger } from '../logging/logger';
import type { SessionService } from '../session/session-contract';
import type { VaultManager } from '../vault/vault-manager';
import { vaultIdOf } from '../vault/vault-layout';

export interface WipeReport {
  readonly outcome: WipeOutcome;
  /** Every audit record this workstation held reached the server first. */
  readonly auditSynced: boolean;
}

/** Sends the report; false if it could not (the server asks again at the next contact). */
export type Reporter = (report: WipeReport) => Promise<boolean>;

/** `retry`: not finished or not reported; the command stays the server's until it is. */
export type WipeResult = 'done' | 'retry';

export interface RemoteWipeDeps {
  /** This OS user's compliance exports (data-locations.ts): deleted with the vaults. */
  readonly exportsDir: string;
  readonly vaults: Pick<VaultManager, 'list' | 'shred'>;
  readonly audit: Pick<AuditTrail, 'note' | 'retire' | 'syncNow'>;
  readonly session: Pick<SessionService, 'whileWiping'>;
  /** The device key's end (device-key-shred.ts): armed before the report, shred (and forget the loaded identity) after it. */
  readonly deviceKey: {
    arm(): void;
    disarm(): void;
    shred(): Promise<void>;
  };
  readonly logger: Logger;
  /** How long the audit log may take to reach the server before it is kept instead. Default 20 s. */
  readonly auditSyncTimeoutMs?: number;
}

export interface RemoteWipe {
  wipeWorkstation(deviceId: string, report: Reporter): Promise<WipeResult>;
  wipeUser(deviceId: string, userId: string, report: Reporter): Promise<WipeResult>;
}

const REASON = 'REMOTE_WIPE';

export function createRemoteWipe(deps: RemoteWipeDeps): RemoteWipe {
  const timeoutMs = deps.auditSyncTimeoutMs ?? 20_000;

  /** Recorded before anything is destroyed; a wipe protects data, so it goes ahead unrecorded too. */
  const recordWipe = (deviceId: string, userId: string | null) =>
    deps.audit.note(
      auditEvent({
        action: 'admin.action',
        actor: NO_ACTOR,
        object: { kind: 'workstation', id: deviceId, userId },
        reason: REASON,
      }),
    );

  /** Crypto-shreds one vault; true if it is gone (or was never here). */
  async function shred(vaultId: string): Promise<boolean> {
    const shredded = await deps.vaults.shred(vaultId, 'vault.shredded', NO_ACTOR, REASON);
    if (shredded.ok || shredded.error === 'VAULT_NOT_FOUND') return true;
    deps.logger.error({ code: shredded.error }, 'remote wipe could not shred a vault');
    return false;
  }

  /** Whether the audit log is on the server within the wait (a user wipe's report says so). */
  async function auditSynced(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    const outcome = await Promise.race([deps.audit.syncNow().catch(() => null), late]);
    clearTimeout(timer);
    return outcome?.kind === 'synced';
  }

  return {
    wipeWorkstation: (deviceId, report) =>
      deps.session.whileWiping('workstation-wiped', null, async () => {
        await recordWipe(deviceId, null);
        let whole = true;
        for (const vault of deps.vaults.list()) whole = (await shred(vault.vaultId)) && whole;
        // Compliance exports are plaintext copies of audit records: they go with the vaults.
        rmSync(deps.exportsDir, { recursive: true, force: true });
        if (!whole) return 'retry';
        const retired = await deps.audit.retire({
          timeoutMs,
          confirm: async () => {
            deps.deviceKey.arm();
            const sent = await report({ outcome: 'wiped', auditSynced: true });
            if (!sent) deps.deviceKey.disarm();
            return sent;
          },
          destroy: () => deps.deviceKey.shred(),
        });
        deps.logger.info({ audit: retired }, 'workstation wiped by IT');
        if (retired === 'retired') return 'done';
        if (retired === 'unconfirmed') return 'retry';
        // The records could not reach the server: the log stays and syncs later; the vaults are gone.
        return (await report({ outcome: 'wiped-audit-kept', auditSynced: false })) ? 'done' : 'retry';
      }),

    wipeUser: (deviceId, userId, report) =>
      deps.session.whileWiping('user-wiped', userId, async () => {
        await recordWipe(deviceId, userId);
        if (!(await shred(vaultIdOf(userId)))) return 'retry';
        deps.logger.info({ userId }, "a person's vault wiped by IT");
        return (await report({ outcome: 'wiped', auditSynced: await auditSynced() })) ? 'done' : 'retry';
      }),
  };
}
