/**
 * The device layer for data every OS user of this computer shares (the workstation data folder:
 * data-locations.ts), where the OS keystore is one per user. On Windows Electron's safeStorage
 * is DPAPI for the signed-in user: a device identity or vault it seals cannot be opened under
 * another Windows account, so a per-machine identity would work for one account only.
 *
 * So: a random 32-byte machine secret in `<dataDir>/machine/machine-key.sealed`, sealed by a
 * sealer of machine scope (DPAPI LocalMachine on Windows: windows-dpapi.ts), opened once per
 * process; what this protector seals is wrapped by that secret (key-wrap.ts). Any account on
 * this computer can open it (that is the point); a copy of the folder on another computer
 * cannot, since the sealed secret opens only where it was sealed. Files keep saying `sealedBy:
 * os-keystore`: it is still the OS keystore, at the machine's scope.
 *
 * Older versions sealed with the user's keystore (`legacy`): `unprotect` still opens what that
 * account sealed, and `reseal` turns such a blob into one of ours (device-layer-reseal.ts does
 * it at every start for the identity and every vault this account can open), so the others can
 * open them too once the account that sealed them has started Wardline once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';
import { DeviceProtectorError, type DeviceProtector } from './device-protector';
import { unwrapSecret, wrapSecret } from './key-wrap';

/** Seals a small secret so that only this computer can open it (any account on it). */
export interface MachineSealer {
  seal(data: Uint8Array): Promise<Uint8Array>;
  /** null when it cannot be opened here (sealed on another computer, damaged). */
  unseal(data: Uint8Array): Promise<Uint8Array | null>;
}

export interface MachineScopeProtector extends DeviceProtector {
  /** Opens (or first makes) the machine secret; rejects with DeviceProtectorError if it cannot. */
  open(): Promise<void>;
  /**
   * A blob of the legacy layer, sealed again by this one; `current` if it already is ours,
   * `foreign` if neither layer opens it here (another account's legacy seal, or another PC's).
   */
  reseal(blob: Uint8Array): Promise<Uint8Array | 'current' | 'foreign'>;
  /** Zeroes the secret held in memory. */
  close(): void;
}

export const MACHINE_SECRET_FILE = 'machine-key.sealed';
const SECRET_BYTES = 32;
const MACHINE_AD = new TextEncoder().encode('wardline/v1/device/machine-scope');

export function machineSecretFile(dataDir: string): string {
  return path.join(dataDir, 'machine', MACHINE_SECRET_FILE);
}

export function createMachineScopeProtector(options: {
  readonly secretFile: string;
  readonly sealer: MachineSealer;
  readonly legacy: DeviceProtector | null;
}): MachineScopeProtector {
  let secret: Promise<Uint8Array> | null = null;
  let opened: Uint8Array | null = null;
  const key = (): Promise<Uint8Array> => {
    const loading = (secret ??= readOrCreate(options.secretFile, options.sealer).then((value) => (opened = value)));
    // A failure is not kept: the next call tries again (IT may have fixed the cause).
    loading.catch(() => {
      if (secret === loading) secret = null;
    });
    return loading;
  };
  const openOurs = async (blob: Uint8Array) => unwrapSecret(blob, await key(), MACHINE_AD);

  return {
    kind: 'os-keystore',
    async open() {
      await key();
    },
    async protect(data) {
      return wrapSecret(data, await key(), MACHINE_AD);
    },
    async unprotect(data) {
      return (await openOurs(data)) ?? (await openLegacy(options.legacy, data));
    },
    async reseal(blob) {
      const ours = await openOurs(blob);
      if (ours !== null) {
        ours.fill(0);
        return 'current';
      }
      const inner = await openLegacy(options.legacy, blob);
      if (inner === null) return 'foreign';
      try {
        return await wrapSecret(inner, await key(), MACHINE_AD);
      } finally {
        inner.fill(0);
      }
    },
    close() {
      opened?.fill(0);
      opened = null;
      secret = null;
    },
  };
}

async function openLegacy(legacy: DeviceProtector | null, blob: Uint8Array): Promise<Uint8Array | null> {
  if (legacy === null) return null;
  try {
    return await legacy.unprotect(blob);
  } catch {
    return null;
  }
}

/** The machine secret, made and sealed on first use; never replaced once it exists. */
async function readOrCreate(file: string, sealer: MachineSealer): Promise<Uint8Array> {
  const existing = await readSealed(file, sealer);
  if (existing !== null) return existing;
  const fresh = new Uint8Array(randomBytes(SECRET_BYTES));
  const sealed = await sealer.seal(fresh);
  if (writeIfAbsent(file, sealed)) return fresh;
  // Another process (another user's Wardline) made one first: theirs is the one.
  fresh.fill(0);
  const theirs = await readSealed(file, sealer);
  if (theirs === null) throw new DeviceProtectorError('DEVICE_SECRET_CORRUPT');
  return theirs;
}

/** null if there is no file; throws if there is one this computer cannot open. */
async function readSealed(file: string, sealer: MachineSealer): Promise<Uint8Array | null> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DeviceProtectorError('DEVICE_SECRET_CORRUPT');
  }
  const opened = await sealer.unseal(bytes).catch(() => null);
  if (opened?.length !== SECRET_BYTES) {
    opened?.fill(0);
    // Making a new one would make everything sealed with this one unreadable: IT decides.
    throw new DeviceProtectorError('DEVICE_SECRET_CORRUPT');
  }
  return opened;
}

/** Written whole under a staging name, then hard-linked into place: link never replaces a file. */
function writeIfAbsent(file: string, data: Uint8Array): boolean {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const staging = `${file}.${randomUUID()}.staging`;
  try {
    writeFileAtomic(staging, data, 0o600);
    linkSync(staging, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    try {
      unlinkSync(staging);
    } catch {
      // Never written.
    }
  }
}
