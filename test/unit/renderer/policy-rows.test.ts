import { describe, expect, it } from 'vitest';
import { policyRows } from '../../../renderer/src/settings/policy-rows';
import { POLICY_KEYS, policySchema } from '../../../shared/policy/policy-schema';

describe('the policy as the Settings view lists it', () => {
  it('has one row for every policy key, so a new key cannot go unshown', () => {
    expect(policyRows(policySchema.parse({})).map((row) => row.key).sort()).toEqual([...POLICY_KEYS].sort());
  });

  it('says when unused vaults are removed, or that they never are', () => {
    const row = (vaultPurgeAfterDays: number | null) => policyRows(policySchema.parse({ vaultPurgeAfterDays })).find((r) => r.key === 'vaultPurgeAfterDays')?.value;
    expect([row(null), row(1), row(90)]).toEqual(['Never', '1 day', '90 days']);
  });
});
