import { describe, expect, it } from 'vitest';
import { alertPlace } from '../../../renderer/src/compliance/audit-labels';

describe('where a trail alert points', () => {
  it("says what the workstation's record number means for each kind", () => {
    expect(alertPlace('gap', 3)).toBe('First missing: the workstation’s record no. 3');
    expect(alertPlace('fork', 12)).toBe('Conflict at the workstation’s record no. 12');
    expect(alertPlace('bad-signature', 40)).toBe('Refused batch from the workstation’s record no. 40');
    expect(alertPlace('bad-chain', 7)).toBe('Chain breaks at the workstation’s record no. 7');
  });

  it('says so when the alert has no record number', () => {
    expect(alertPlace('gap', null)).toBe('No record number');
  });
});
