import { describe, expect, it } from 'vitest';
import {
  commandResult,
  commandState,
  commandText,
  confirmationName,
  workstationName,
} from '../../../renderer/src/admin/workstations/workstation-labels';

const DEVICE = '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10';

describe('how the Workstations section names a workstation', () => {
  it('by its name, through the display rule, or by the start of its id when it has none', () => {
    expect(workstationName({ name: 'Ward 7 nurses station', deviceId: DEVICE })).toBe('Ward 7 nurses station');
    expect(workstationName({ name: null, deviceId: DEVICE })).toBe('the unnamed workstation 6f1c1a52');
    // A name that is nothing once shown goes by its id too, so there is always something to type.
    expect(confirmationName({ name: '\u200b', deviceId: DEVICE })).toBe('6f1c1a52');
  });
});

describe('how a wipe reads in a workstation’s commands', () => {
  it('says what it wipes and where it stands', () => {
    expect(commandText({ kind: 'wipe-workstation', userId: null })).toBe('Wipe the workstation');
    expect(commandText({ kind: 'wipe-user', userId: 'nurse.adams' })).toBe('Wipe the data of nurse.adams');
    expect((['queued', 'delivered', 'done'] as const).map((state) => commandState({ state }))).toEqual([
      'Queued',
      'Delivered',
      'Done',
    ]);
  });

  it('says whether the audit log went only after its records reached the server, or was kept', () => {
    expect(commandResult({ kind: 'wipe-workstation', outcome: null, auditSynced: null })).toBe('—');
    expect(commandResult({ kind: 'wipe-workstation', outcome: 'wiped', auditSynced: true })).toMatch(
      /audit records reached the server, then its audit log was shredded/,
    );
    expect(commandResult({ kind: 'wipe-workstation', outcome: 'wiped-audit-kept', auditSynced: false })).toMatch(
      /audit log was kept/,
    );
    expect(commandResult({ kind: 'wipe-user', outcome: 'wiped', auditSynced: true })).toBe(
      'Their data on it was shredded',
    );
  });
});
