/**
 * What moves from an OS user's profile folder (where older versions kept everything) to the
 * workstation data folder (data-locations.ts), decided from a survey of both: pure, so every
 * conflict is unit-tested. profile-migration.ts carries the plan out.
 *
 * - `machine/` (the device key, the device audit log, its witnessed head, a pending shred
 *   marker) moves as one: the log's database key is derived from the device key, so they are
 *   never split. It moves only into a data folder whose `machine/` is empty. When it is not (a
 *   device identity is there already: another Windows user of this PC started first, each with
 *   their own identity), the one in place wins, whatever its age: it is the one the server
 *   knows this PC by from now on, and replacing it would orphan its registration and its
 *   unacknowledged audit records instead. The profile's is set aside, whole, in
 *   `<profile>/orphaned/<time>/machine`: nothing is deleted (its records not yet acknowledged
 *   are there, for IT), and nothing reads it again.
 * - Each vault (`vaults/<id>`) moves by itself, so another user's clinicians keep theirs. A vault
 *   of the same clinician already in the data folder wins the same way, and the profile's copy
 *   is set aside in `<profile>/orphaned/<time>/vaults/<id>`: it may hold messages not yet sent,
 *   so it is not shredded, but neither a remote wipe nor the purge reaches it there (IT deletes
 *   it). Its history is on the server; the clinician signs in to the copy in place.
 * - Anything else in the profile (Electron's own files, compliance exports) stays.
 */
import path from 'node:path';

/** What is there, as the executor found it. */
export interface MigrationSurvey {
  /** The profile holds a `machine/` folder. */
  readonly profileMachine: boolean;
  /** Vault folders (32 hex digits) in the profile's `vaults/`. */
  readonly profileVaults: readonly string[];
  /** The data folder's `machine/` holds anything at all. */
  readonly dataMachineInUse: boolean;
  /** Vault folders in the data folder's `vaults/`. */
  readonly dataVaults: readonly string[];
}

export interface MigrationRoots {
  readonly profileDir: string;
  readonly dataDir: string;
  /** Where set-aside folders go this time: `<profile>/orphaned/<time>`, not yet existing. */
  readonly orphanDir: string;
}

export type MigrationStep =
  | { readonly kind: 'move'; readonly what: 'machine' | 'vault'; readonly from: string; readonly to: string }
  | {
      readonly kind: 'set-aside';
      readonly what: 'machine' | 'vault';
      readonly from: string;
      readonly to: string;
      /** What in the data folder won. */
      readonly reason: 'DEVICE_IDENTITY_IN_PLACE' | 'VAULT_IN_PLACE';
    };

export const VAULT_FOLDER = /^[0-9a-f]{32}$/;

/** The machine folder first: if the move stops half way, the device goes before its clinicians' vaults. */
export function planProfileMigration(survey: MigrationSurvey, roots: MigrationRoots): MigrationStep[] {
  const steps: MigrationStep[] = [];
  if (survey.profileMachine) {
    const from = path.join(roots.profileDir, 'machine');
    steps.push(
      survey.dataMachineInUse
        ? {
            kind: 'set-aside',
            what: 'machine',
            from,
            to: path.join(roots.orphanDir, 'machine'),
            reason: 'DEVICE_IDENTITY_IN_PLACE',
          }
        : { kind: 'move', what: 'machine', from, to: path.join(roots.dataDir, 'machine') },
    );
  }
  const inPlace = new Set(survey.dataVaults);
  for (const vaultId of [...survey.profileVaults].filter((name) => VAULT_FOLDER.test(name)).sort()) {
    const from = path.join(roots.profileDir, 'vaults', vaultId);
    steps.push(
      inPlace.has(vaultId)
        ? {
            kind: 'set-aside',
            what: 'vault',
            from,
            to: path.join(roots.orphanDir, 'vaults', vaultId),
            reason: 'VAULT_IN_PLACE',
          }
        : { kind: 'move', what: 'vault', from, to: path.join(roots.dataDir, 'vaults', vaultId) },
    );
  }
  return steps;
}
