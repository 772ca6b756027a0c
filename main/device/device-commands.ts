/**
 * IT's commands for this workstation (shared/protocol/device-command-api.ts): fetched with a
 * device proof, checked, carried out by remote-wipe.ts, and reported with another proof.
 *
 * A command is carried out only if the server's audit key signed it for this device: the key
 * this workstation pinned at its first audit sync (witnessed-head-file.ts), never one offered
 * with the command. With none pinned yet, one audit sync pins it (over the same pinned TLS
 * channel, trusted on first use exactly as the audit trail trusts it); until then nothing is
 * done, and the command waits on the server. A command that does not verify is refused and an
 * `audit.alert` recorded: someone between this workstation and its server, or a server
 * that is not the one it pinned, tried to destroy its data.
 *
 * When: at start, before each sign-in, whenever an answer or the stream says commands wait, and
 * every few minutes (the audit sync's pace) for a workstation nobody is signed in at.
 */
import { auditEvent, NO_ACTOR } from '../../shared/audit/audit-event-builder';
import type { VerifySignature } from '../../shared/audit/signed-head';
import { toBase64 } from '../../shared/node/crypto/base64';
import {
  commandReportProofBytes,
  commandsFetchProofBytes,
  deviceCommandBytes,
  type DeviceCommand,
} from '../../shared/protocol/device-command-api';
import type { AuditTrail } from '../audit/audit-trail';
import type { Logger } from '../logging/logger';
import type { ApiClient } from '../server-link/api-client';
import type { DeviceIdentity, DeviceIdentityResult } from './device-identity';
import type { RemoteWipe, WipeReport } from './remote-wipe';

export interface DeviceCommandsDeps {
  readonly api: ApiClient;
  readonly identity: () => Promise<DeviceIdentityResult>;
  /** The server's audit key as this workstation pinned it, or null before its first audit sync. */
  readonly pinnedAuditKey: () => string | null;
  readonly audit: Pick<AuditTrail, 'note' | 'syncNow'>;
  /** Ed25519 verification (libsodium, loaded on first use). */
  readonly verifier: () => Promise<VerifySignature>;
  readonly wipe: RemoteWipe;
  readonly now: () => number;
  readonly logger: Logger;
  /** How often to look when nothing says to. Default 5 minutes. */
  readonly intervalMs?: number;
  /** The least time between two looks prompted by answers (every answer says so while one waits). Default 5 s. */
  readonly hintSpacingMs?: number;
}

export interface DeviceCommands {
  /** Fetches and carries out what waits; calls during a run share it and one more run after it. */
  check(): Promise<void>;
  /** An answer said commands wait: check soon, at most once per `hintSpacingMs`. */
  hint(): void;
  start(): void;
  stop(): Promise<void>;
}

type Signer = Pick<DeviceIdentity, 'deviceId' | 'sign'>;

async function proofOf(identity: Signer, bytes: Uint8Array, timestamp: number) {
  return { deviceId: identity.deviceId, timestamp, signature: toBase64(await identity.sign(bytes)) };
}

export function createDeviceCommands(deps: DeviceCommandsDeps): DeviceCommands {
  const intervalMs = deps.intervalMs ?? 5 * 60_000;
  const hintSpacingMs = deps.hintSpacingMs ?? 5_000;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let lastHint = 0;
  let hintTimer: NodeJS.Timeout | null = null;
  let interval: NodeJS.Timeout | null = null;
  const alerted = new Set<string>();
  // A function, not an inline read: `again` changes in other callbacks during the awaits.
  const askedAgain = () => again && !stopped;

  /** The server's audit key signed exactly this command, for this device. */
  function authentic(command: DeviceCommand, deviceId: string, auditKey: string, verify: VerifySignature): boolean {
    const { signature, ...fields } = command;
    return command.deviceId === deviceId && verify(auditKey, deviceCommandBytes(fields), signature);
  }

  async function refuse(command: DeviceCommand): Promise<void> {
    if (alerted.has(command.commandId)) return;
    alerted.add(command.commandId);
    deps.logger.error({ code: 'DEVICE_COMMAND_FORGED' }, 'a device command did not verify; refused');
    await deps.audit.note(
      auditEvent({ action: 'audit.alert', actor: NO_ACTOR, outcome: 'failure', reason: 'DEVICE_COMMAND_FORGED' }),
    );
  }

  function reporter(identity: Signer, commandId: string) {
    return async (report: WipeReport): Promise<boolean> => {
      const timestamp = deps.now();
      const bytes = commandReportProofBytes({ deviceId: identity.deviceId, commandId, ...report, timestamp });
      const sent = await deps.api.call('reportDeviceCommand', {
        commandId,
        ...report,
        proof: await proofOf(identity, bytes, timestamp),
      });
      if (!sent.ok) deps.logger.warn({ code: sent.error.code }, 'device command report not sent');
      return sent.ok;
    };
  }

  /** The pinned key; with none yet, one audit sync pins it. */
  async function auditKey(): Promise<string | null> {
    const pinned = deps.pinnedAuditKey();
    if (pinned !== null) return pinned;
    await deps.audit.syncNow().catch(() => null);
    return deps.pinnedAuditKey();
  }

  async function once(): Promise<void> {
    const loaded = await deps.identity();
    if (!loaded.ok) return;
    const identity = loaded.value;
    const timestamp = deps.now();
    const bytes = commandsFetchProofBytes({ deviceId: identity.deviceId, timestamp });
    const fetched = await deps.api.call('fetchDeviceCommands', { proof: await proofOf(identity, bytes, timestamp) });
    if (!fetched.ok) {
      // Not registered yet (nobody signed in here), or the server is away: nothing to do now.
      deps.logger.debug({ code: fetched.error.code }, 'device commands not fetched');
      return;
    }
    const commands = fetched.value.commands;
    if (commands.length === 0) return;
    const key = await auditKey();
    if (key === null) {
      deps.logger.warn({ code: 'AUDIT_KEY_NOT_PINNED' }, 'device commands wait for the audit key');
      return;
    }
    const verify = await deps.verifier();
    // A person's wipe first: a workstation wipe shreds the device key the reports are signed with.
    const ordered = [...commands].sort(
      (a, b) => Number(a.kind === 'wipe-workstation') - Number(b.kind === 'wipe-workstation'),
    );
    for (const command of ordered) {
      if (!authentic(command, identity.deviceId, key, verify)) {
        await refuse(command);
        continue;
      }
      const report = reporter(identity, command.commandId);
      const result =
        command.kind === 'wipe-user'
          ? await deps.wipe.wipeUser(identity.deviceId, command.userId, report)
          : await deps.wipe.wipeWorkstation(identity.deviceId, report);
      deps.logger.info({ kind: command.kind, result }, 'device command carried out');
    }
  }

  function check(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running !== null) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await once().catch((error: unknown) =>
          deps.logger.error({ errorName: error instanceof Error ? error.name : 'unknown' }, 'device commands failed'),
        );
      } while (askedAgain());
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    check,
    hint() {
      if (stopped || hintTimer !== null) return;
      const wait = Math.max(0, lastHint + hintSpacingMs - deps.now());
      hintTimer = setTimeout(() => {
        hintTimer = null;
        lastHint = deps.now();
        void check();
      }, wait);
      hintTimer.unref();
    },
    start() {
      if (interval !== null || stopped) return;
      void check();
      interval = setInterval(() => void check(), intervalMs);
      interval.unref();
    },
    async stop() {
      stopped = true;
      if (interval !== null) clearInterval(interval);
      if (hintTimer !== null) clearTimeout(hintTimer);
      await running;
    },
  };
}
