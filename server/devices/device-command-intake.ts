/**
 * The workstation's side of remote wipe: it fetches its commands and reports each one done,
 * proving itself with its device key (no session: a wiped clinician is signed out, a stolen
 * workstation has no one signed in). A proof is fresh (PROOF_WINDOW_MS) and good once (its
 * digest is spent in the same transaction), so a captured fetch or report cannot be replayed.
 *
 * Only the registered key matters here: a workstation IT has revoked must still fetch its wipe
 * and say it is done. The first fetch of a command and its report are each recorded on the
 * server's chain, the workstation as the object, by whichever single request changed the row.
 */
import { createHash } from 'node:crypto';
import type { DeviceProof } from '../../shared/protocol/auth';
import {
  commandReportProofBytes,
  commandsFetchProofBytes,
  DEVICE_COMMANDS_MAX,
  type DeviceCommand,
  type WipeOutcome,
} from '../../shared/protocol/device-command-api';
import { signatureValid } from '../../shared/node/crypto/ed25519';
import { proofSpentUntil, proofTimestampFresh } from '../accounts/device-proof';
import { deviceKeyOf } from '../accounts/device-store';
import { spendProof } from '../accounts/spent-proof-store';
import { recordAdminEvent } from '../admin/admin-event-store';
import { WORKSTATION_ITSELF, type AdminEventAction } from '../admin/admin-events';
import type { Clock } from '../clock';
import type { Database, Queryable } from '../db/database';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import { completeCommand, deliverCommands } from './device-command-store';
import type { AdminDeviceCommand } from '../../shared/protocol/admin-wipe-api';

export interface DeviceCommandDeps {
  readonly db: Database;
  readonly clock: Clock;
}

/** Fresh and signed over `bytes` by the device's registered key; checked before any transaction. */
async function proven(db: Queryable, proof: DeviceProof, bytes: Uint8Array, now: number): Promise<boolean> {
  if (!proofTimestampFresh(proof.timestamp, now)) return false;
  const key = await deviceKeyOf(db, proof.deviceId);
  return key !== null && signatureValid(key, bytes, proof.signature);
}

/** Spends the proof in `tx`; false if it was spent before (a replay, or the same request twice at once). */
function spend(tx: Queryable, proof: DeviceProof, bytes: Uint8Array): Promise<boolean> {
  const digest = `device-command:${createHash('sha256').update(bytes).digest('hex')}`;
  return spendProof(tx, digest, proofSpentUntil(proof.timestamp));
}

/** What the workstation is recorded doing with a command, on the server's chain. */
async function recordDeviceEvent(
  tx: Queryable,
  command: AdminDeviceCommand,
  action: AdminEventAction,
  at: number,
): Promise<void> {
  await recordAdminEvent(tx, {
    at,
    actor: WORKSTATION_ITSELF,
    action,
    targetUserId: command.userId,
    subject: command.deviceId,
  });
}

export async function fetchDeviceCommands(
  deps: DeviceCommandDeps,
  request: { readonly proof: DeviceProof },
): Promise<Outcome<{ commands: DeviceCommand[] }>> {
  const now = deps.clock();
  const { proof } = request;
  const bytes = commandsFetchProofBytes({ deviceId: proof.deviceId, timestamp: proof.timestamp });
  if (!(await proven(deps.db, proof, bytes, now))) return fail('DEVICE_PROOF_INVALID');
  return transactionOutcome(deps.db, async (tx) => {
    if (!(await spend(tx, proof, bytes))) return fail('DEVICE_PROOF_INVALID');
    const found = await deliverCommands(tx, proof.deviceId, now, DEVICE_COMMANDS_MAX);
    for (const command of found.delivered) await recordDeviceEvent(tx, command, 'workstation.command-delivered', now);
    return succeed({ commands: found.commands });
  });
}

/** The chain's word for a completed command. */
function doneAction(command: AdminDeviceCommand, outcome: WipeOutcome): AdminEventAction {
  if (command.kind === 'wipe-user') return 'user.wiped';
  return outcome === 'wiped' ? 'workstation.wiped' : 'workstation.wiped-audit-kept';
}

export async function reportDeviceCommand(
  deps: DeviceCommandDeps,
  request: {
    readonly commandId: string;
    readonly outcome: WipeOutcome;
    readonly auditSynced: boolean;
    readonly proof: DeviceProof;
  },
): Promise<Outcome<{ doneAt: number }>> {
  const now = deps.clock();
  const { proof, commandId, outcome, auditSynced } = request;
  const bytes = commandReportProofBytes({
    deviceId: proof.deviceId,
    commandId,
    outcome,
    auditSynced,
    timestamp: proof.timestamp,
  });
  if (!(await proven(deps.db, proof, bytes, now))) return fail('DEVICE_PROOF_INVALID');
  return transactionOutcome(deps.db, async (tx) => {
    if (!(await spend(tx, proof, bytes))) return fail('DEVICE_PROOF_INVALID');
    const done = await completeCommand(tx, { deviceId: proof.deviceId, commandId, outcome, auditSynced, now });
    switch (done.kind) {
      case 'unknown':
        // Another workstation's command is as unknown as one never queued.
        return fail('NOT_FOUND');
      case 'already-done':
        return succeed({ doneAt: done.doneAt });
      case 'completed':
        await recordDeviceEvent(tx, done.command, doneAction(done.command, outcome), now);
        return succeed({ doneAt: now });
    }
  });
}
