import { describe, expect, it } from 'vitest';
import { policyRows } from '../../../renderer/src/settings/policy-rows';
import { POLICY_KEYS, policySchema } from '../../../shared/policy/policy-schema';

describe('the policy as the Settings view lists it', () => {
  it('has one row for every policy key, so a new key cannot go unshown', () => {
    expect(
      policyRows(policySchema.parse({}))
        .map((row) => row.key)
        .sort(),
    ).toEqual([...POLICY_KEYS].sort());
  });

  it('says when unused vaults are removed, or that they never are', () => {
    const row = (vaultPurgeAfterDays: number | null) =>
      policyRows(policySchema.parse({ vaultPurgeAfterDays })).find((r) => r.key === 'vaultPurgeAfterDays')?.value;
    expect([row(null), row(1), row(90)]).toEqual(['Never', '1 day', '90 days']);
  });

  it('says in plain words how long messages stay on this workstation, and that the server may keep them longer', () => {
    const row = (messageRetentionDays: number | null) =>
      policyRows(policySchema.parse({ messageRetentionDays })).find((r) => r.key === 'messageRetentionDays')?.value;
    expect([row(null), row(1), row(30)]).toEqual([
      'No time limit set: messages stay until they expire or are recalled',
      'Messages older than 1 day are removed from this workstation; the server may keep them longer',
      'Messages older than 30 days are removed from this workstation; the server may keep them longer',
    ]);
  });

  it('says what keeps the session unlocked, and when that is the default for the workstation', () => {
    const row = (values: Record<string, unknown>) =>
      policyRows(policySchema.parse(values)).find((r) => r.key === 'idleSource')?.value;
    expect(row({})).toBe('Input in Wardline only (the default for a shared workstation)');
    expect(row({ sharedWorkstation: false })).toBe(
      'Input anywhere on this computer (the default for a personal workstation)',
    );
    expect(row({ idleSource: 'system' })).toBe('Input anywhere on this computer');
    expect(row({ sharedWorkstation: false, idleSource: 'app' })).toBe('Input in Wardline only');
  });

  it('shows the workstation data folder in force, and whether policy chose it', () => {
    const row = (values: Record<string, unknown>, folder: string | null) =>
      policyRows(policySchema.parse(values), folder).find((r) => r.key === 'machineDataDir')?.value;
    expect(row({}, 'C:\\ProgramData\\Wardline')).toBe('C:\\ProgramData\\Wardline (this computer’s default)');
    expect(row({ machineDataDir: 'D:\\Wardline' }, 'D:\\Wardline')).toBe('D:\\Wardline');
    expect(row({}, null)).toBe('This computer’s default');
  });

  it('names the archive key by its fingerprint in groups, or says there is none', () => {
    const rows = (values: Record<string, unknown>) =>
      policyRows(policySchema.parse(values)).filter((r) => r.key.startsWith('archive'));
    expect(rows({}).map((r) => r.value)).toEqual(['None: only a message’s participants can read it', 'None']);
    expect(
      rows({
        archivePublicKey: 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=',
        archiveKeyFingerprint: '300C9C9603B92A4B39ED3958BF9240114804DB4FD373012C0CA47432D63425AE',
      }).map((r) => r.value),
    ).toEqual([
      'Messages sent here are also sealed to the hospital’s archive key',
      '300c 9c96 03b9 2a4b 39ed 3958 bf92 4011 4804 db4f d373 012c 0ca4 7432 d634 25ae',
    ]);
  });
});
