/**
 * The last step of a workstation wipe: crypto-shredding the device audit log. Its database key is
 * derived from the device key (device-identity.ts), so the identity file is destroyed first, and
 * from that moment `audit.db` is ciphertext nobody can open; then the log's files go. The
 * workstation is a new device from then on: its next start or sign-in makes a new identity.
 *
 * The wipe is reported to the server with the device key, so the report comes before the shred.
 * A marker written before the report (`armDeviceKeyShred`) makes the two one step across a crash:
 * a start that finds it finishes the shred before anything loads the identity, so a workstation
 * the server counts as wiped never keeps its key, and a half-shredded one never signs with the
 * old key or opens a log whose key is gone. A report that could not be sent disarms it. The
 * witnessed tree head stays: it is the server's, not this device's, and the next
 * acknowledgement must still be consistent with it.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { deviceLogFile } from '../audit/device-audit-log';
import { destroyFile, writeFileAtomic } from '../fs/atomic-file';
import { deviceIdentityFile } from './device-identity';

const markerFile = (dataDir: string) => path.join(dataDir, 'machine', 'device-shred-pending');

function shredNow(dataDir: string): void {
  destroyFile(deviceIdentityFile(dataDir));
  const log = deviceLogFile(dataDir);
  for (const file of [log, `${log}-wal`, `${log}-shm`, `${log}-journal`]) rmSync(file, { force: true });
}

/** From now on the shred happens, at the latest at the next start. */
export function armDeviceKeyShred(dataDir: string): void {
  mkdirSync(path.dirname(markerFile(dataDir)), { recursive: true, mode: 0o700 });
  writeFileAtomic(markerFile(dataDir), Buffer.from('wardline device shred\n'));
}

/** The wipe could not be reported: the key stays, for the report next time. */
export function disarmDeviceKeyShred(dataDir: string): void {
  rmSync(markerFile(dataDir), { force: true });
}

/** Destroys the device key and the audit log it keys. Throws if a file cannot be removed (the marker stays). */
export function shredDeviceKey(dataDir: string): void {
  armDeviceKeyShred(dataDir);
  shredNow(dataDir);
  rmSync(markerFile(dataDir), { force: true });
}

/** At start, before the identity is loaded: finishes a shred a crash interrupted. True if there was one. */
export function finishInterruptedShred(dataDir: string): boolean {
  if (!existsSync(markerFile(dataDir))) return false;
  shredNow(dataDir);
  rmSync(markerFile(dataDir), { force: true });
  return true;
}
