/**
 * What Electron's main does before the core starts, in order: decide where the data lives
 * (data-locations.ts), make that folder safe (folder-access.ts), finish a wipe an older version
 * left half done in the profile and move the profile's data in (profile-migration.ts), then open
 * the device layer and bring older seals up to machine scope (machine-scope-protector.ts,
 * device-layer-reseal.ts). Each step is its own module; this orders them and says in one code
 * what stopped it. Logs carry codes and counts only, never a path (a path names the OS user).
 *
 * A failure stops the start (main shows the code to whoever is at the PC and quits): Wardline
 * never falls back to the profile, which would give this account a device identity of its own
 * again. The next start picks up where this one stopped.
 */
import { finishInterruptedShred } from '../device/device-key-shred';
import { resealForMachine } from '../device/device-layer-reseal';
import { resolveDataLocations, type DataLocationError, type DataLocations } from '../fs/data-locations';
import { prepareDataFolder, type FolderAccessDeps, type FolderRefusal } from '../fs/folder-access';
import { migrateProfileData, type MigrationOptions } from '../fs/profile-migration';
import type { DeviceProtector } from '../keys/device-protector';
import {
  createMachineScopeProtector,
  machineSecretFile,
  type MachineScopeProtector,
  type MachineSealer,
} from '../keys/machine-scope-protector';
import type { Logger } from '../logging/logger';
import { err, type Result } from '../../shared/result';

export type DataFolderSetupError = DataLocationError | FolderRefusal | 'MIGRATION_FAILED';

export interface DataFolderSetupInput extends FolderAccessDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly packaged: boolean;
  /** Electron's userData: this OS user's profile folder. */
  readonly profileDir: string;
  /** Policy `machineDataDir` (null when unset, or when the policy was refused). */
  readonly policyDir: string | null;
  readonly now: () => number;
  /** Windows: shares a folder moved in from the profile with the other accounts. */
  readonly migrationPermissions?: MigrationOptions['permissions'];
  readonly logger: Logger;
}

export async function setUpDataFolder(
  input: DataFolderSetupInput,
): Promise<Result<DataLocations, DataFolderSetupError>> {
  const located = resolveDataLocations(input);
  if (!located.ok) return located;
  const { dataDir, migrateFrom } = located.value;
  const prepared = await prepareDataFolder(dataDir, input);
  if (!prepared.ok) return prepared;
  if (prepared.value !== 'kept') input.logger.info({ folder: prepared.value }, 'workstation data folder prepared');
  if (migrateFrom === null) return located;

  // A wipe reported from the profile but cut short there is finished where it started, before
  // the device key it was destroying could move anywhere.
  try {
    if (finishInterruptedShred(migrateFrom))
      input.logger.info({}, 'interrupted device key shred finished in the profile');
  } catch {
    return err('MIGRATION_FAILED');
  }
  const migrated = migrateProfileData({
    profileDir: migrateFrom,
    dataDir,
    now: input.now,
    ...(input.migrationPermissions ? { permissions: input.migrationPermissions } : {}),
  });
  if (!migrated.ok) {
    input.logger.error({ code: migrated.error.code, cause: migrated.error.cause }, 'profile data could not be moved');
    return err('MIGRATION_FAILED');
  }
  const { moved, setAside, resumed } = migrated.value;
  if (moved.machine || moved.vaults > 0 || resumed)
    input.logger.info(
      { machine: moved.machine, vaults: moved.vaults, resumed },
      'profile data moved to the data folder',
    );
  if (setAside.machine || setAside.vaults > 0)
    input.logger.warn(
      { code: 'PROFILE_DATA_SET_ASIDE', machine: setAside.machine, vaults: setAside.vaults },
      'profile data set aside in the profile: the data folder already held its place',
    );
  // Folders moved in keep the modes they had in the profile: checked (and tightened) again.
  const checked = await prepareDataFolder(dataDir, input);
  return checked.ok ? located : checked;
}

/**
 * The device layer for the data folder: on Windows the machine-scope protector over the user's
 * keystore (`legacy`), opened now and older seals brought up to it; elsewhere the user's
 * keystore itself (Linux: the data folder belongs to one account: folder-access.ts). null when
 * there is none: the core then refuses what needs one, unless policy allows no device layer.
 */
export async function openDeviceLayer(input: {
  readonly platform: NodeJS.Platform;
  readonly dataDir: string;
  readonly legacy: DeviceProtector | null;
  readonly sealer: MachineSealer;
  readonly logger: Logger;
}): Promise<(DeviceProtector & Partial<Pick<MachineScopeProtector, 'close'>>) | null> {
  if (input.platform !== 'win32') return input.legacy;
  const protector = createMachineScopeProtector({
    secretFile: machineSecretFile(input.dataDir),
    sealer: input.sealer,
    legacy: input.legacy,
  });
  try {
    await protector.open();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    input.logger.error({ code: typeof code === 'string' ? code : 'DPAPI_UNAVAILABLE' }, 'machine secret unavailable');
    return null;
  }
  const resealed = await resealForMachine(input.dataDir, protector);
  if (resealed.resealed + resealed.waiting + resealed.failed > 0)
    input.logger.info({ ...resealed }, 'device layer brought up to machine scope');
  return protector;
}
