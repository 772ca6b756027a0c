/**
 * At start, after the profile migration: the device identity and every vault key file in the
 * workstation data folder whose device layer is still the user keystore of an older version
 * (machine-scope-protector.ts) are sealed again at machine scope, so that every account on this
 * computer can open them, not only the one whose profile they came from.
 *
 * Only the outer device layer changes: a vault's data key stays wrapped by the clinician's wrap
 * key, which this never sees, and `sealedBy` (bound into that wrap) stays `os-keystore`. The
 * identity keeps its device id and key: it is the same identity, sealed again, and replaced by
 * an atomic rename, so a crash leaves the old file or the new one. What this account cannot
 * open (another account's older seal) is left as it is for that account's next start.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fromBase64, toBase64 } from '../../shared/node/crypto/base64';
import { writeFileAtomic } from '../fs/atomic-file';
import type { MachineScopeProtector } from '../keys/machine-scope-protector';
import { parseKeyFile, serializeKeyFile } from '../vault/key-file';
import { vaultPaths, vaultsRoot } from '../vault/vault-layout';
import { parseDeviceIdentityFile, serializeDeviceIdentityFile } from './device-identity-file';
import { deviceIdentityFile } from './device-identity';

export interface ResealReport {
  /** Sealed again at machine scope now. */
  readonly resealed: number;
  /** Sealed by a layer this account cannot open (another account's older seal): left as they are. */
  readonly waiting: number;
  /** Could not be written (permissions, disk full): left as they are, tried again next start. */
  readonly failed: number;
}

const VAULT_ID = /^[0-9a-f]{32}$/;
const MAX_SEALED_BYTES = 4096;

export async function resealForMachine(
  dataDir: string,
  protector: Pick<MachineScopeProtector, 'reseal'>,
): Promise<ResealReport> {
  const report = { resealed: 0, waiting: 0, failed: 0 };
  const count = async (work: Promise<Outcome>) => {
    const outcome = await work.catch((): Outcome => 'failed');
    if (outcome !== 'unchanged') report[outcome] += 1;
  };
  await count(resealIdentity(deviceIdentityFile(dataDir), protector));
  for (const vaultId of listVaults(dataDir))
    await count(resealKeyFile(vaultPaths(dataDir, vaultId).keyFile, protector));
  return report;
}

type Outcome = 'resealed' | 'waiting' | 'failed' | 'unchanged';

async function resealIdentity(file: string, protector: Pick<MachineScopeProtector, 'reseal'>): Promise<Outcome> {
  const content = parseDeviceIdentityFile(readOrNull(file) ?? new Uint8Array());
  // Missing, damaged or unsealed: device-identity.ts says so at load, with its own code.
  if (content?.sealedBy !== 'os-keystore') return 'unchanged';
  const blob = fromBase64(content.secret, 0, MAX_SEALED_BYTES);
  if (blob === null) return 'unchanged';
  const next = await protector.reseal(blob);
  if (next === 'current') return 'unchanged';
  if (next === 'foreign') return 'waiting';
  writeFileAtomic(file, serializeDeviceIdentityFile({ ...content, secret: toBase64(next) }));
  return 'resealed';
}

async function resealKeyFile(file: string, protector: Pick<MachineScopeProtector, 'reseal'>): Promise<Outcome> {
  const bytes = readOrNull(file);
  const content = bytes === null ? null : parseKeyFile(bytes);
  if (content?.sealedBy !== 'os-keystore') return 'unchanged';
  const blob = fromBase64(content.dataKey, 0, MAX_SEALED_BYTES);
  if (blob === null) return 'unchanged';
  const next = await protector.reseal(blob);
  if (next === 'current') return 'unchanged';
  if (next === 'foreign') return 'waiting';
  writeFileAtomic(file, serializeKeyFile({ ...content, dataKey: toBase64(next) }));
  return 'resealed';
}

function listVaults(dataDir: string): string[] {
  try {
    return readdirSync(vaultsRoot(dataDir)).filter((name) => VAULT_ID.test(name));
  } catch {
    return [];
  }
}

function readOrNull(file: string): Uint8Array | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}
