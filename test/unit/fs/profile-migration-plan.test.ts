import { describe, expect, it } from 'vitest';
import { planProfileMigration, type MigrationSurvey } from '../../../main/fs/profile-migration-plan';

const roots = {
  profileDir: '/home/a/.config/Wardline',
  dataDir: '/var/lib/wardline',
  orphanDir: '/home/a/.config/Wardline/orphaned/T',
};
const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const empty: MigrationSurvey = { profileMachine: false, profileVaults: [], dataMachineInUse: false, dataVaults: [] };

describe('what moves from a profile to the workstation data folder', () => {
  it('nothing, when the profile holds nothing of ours', () => {
    expect(planProfileMigration(empty, roots)).toEqual([]);
    expect(planProfileMigration({ ...empty, profileVaults: ['exports', 'x'] }, roots)).toEqual([]);
  });

  it('the machine folder whole, then each vault, into a data folder that holds none of them', () => {
    expect(planProfileMigration({ ...empty, profileMachine: true, profileVaults: [B, A] }, roots)).toEqual([
      { kind: 'move', what: 'machine', from: `${roots.profileDir}/machine`, to: '/var/lib/wardline/machine' },
      { kind: 'move', what: 'vault', from: `${roots.profileDir}/vaults/${A}`, to: `/var/lib/wardline/vaults/${A}` },
      { kind: 'move', what: 'vault', from: `${roots.profileDir}/vaults/${B}`, to: `/var/lib/wardline/vaults/${B}` },
    ]);
  });

  it('never over a device identity in place: the profile one is set aside, and its vaults still move', () => {
    expect(
      planProfileMigration({ ...empty, profileMachine: true, profileVaults: [A], dataMachineInUse: true }, roots),
    ).toEqual([
      {
        kind: 'set-aside',
        what: 'machine',
        from: `${roots.profileDir}/machine`,
        to: `${roots.orphanDir}/machine`,
        reason: 'DEVICE_IDENTITY_IN_PLACE',
      },
      { kind: 'move', what: 'vault', from: `${roots.profileDir}/vaults/${A}`, to: `/var/lib/wardline/vaults/${A}` },
    ]);
  });

  it("never over a clinician's vault in place: the profile copy is set aside, the others move", () => {
    expect(planProfileMigration({ ...empty, profileVaults: [A, B], dataVaults: [A] }, roots)).toEqual([
      {
        kind: 'set-aside',
        what: 'vault',
        from: `${roots.profileDir}/vaults/${A}`,
        to: `${roots.orphanDir}/vaults/${A}`,
        reason: 'VAULT_IN_PLACE',
      },
      { kind: 'move', what: 'vault', from: `${roots.profileDir}/vaults/${B}`, to: `/var/lib/wardline/vaults/${B}` },
    ]);
  });

  it('takes only vault folders by their exact name', () => {
    const odd = ['A'.repeat(32), `${A}.tmp`, 'a'.repeat(31), `../${A}`];
    expect(planProfileMigration({ ...empty, profileVaults: odd }, roots)).toEqual([]);
  });
});
