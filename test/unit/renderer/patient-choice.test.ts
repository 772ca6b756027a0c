import { describe, expect, it } from 'vitest';
import { patientContext } from '../../../shared/protocol/envelope';
import { EMPTY_PATIENT, patientFromForm } from '../../../renderer/src/messaging/compose/patient-choice';

describe("compose's patient fields", () => {
  it('name no patient when both are empty', () => {
    expect(patientFromForm(EMPTY_PATIENT)).toEqual({ ok: true, value: null });
    expect(patientFromForm({ ref: '  ', label: ' ' })).toEqual({ ok: true, value: null });
  });

  it('send the reference and the trimmed label, in the shape main accepts', () => {
    const choice = patientFromForm({ ref: ' pat-7QX2K9 ', label: ' Bed 12, J. Smith ' });
    expect(choice).toEqual({ ok: true, value: { ref: 'pat-7QX2K9', label: 'Bed 12, J. Smith' } });
    if (choice.ok) expect(patientContext.safeParse(choice.value).success).toBe(true);
    expect(patientFromForm({ ref: 'pat-7QX2K9', label: '' })).toEqual({
      ok: true,
      value: { ref: 'pat-7QX2K9', label: null },
    });
  });

  it('refuse a label without a reference, which the audit trail could never name', () => {
    expect(patientFromForm({ ref: '', label: 'J. Smith' })).toMatchObject({ ok: false, error: { field: 'ref' } });
  });

  it('refuse what is not a reference, such as a name typed in the wrong field', () => {
    for (const ref of ['John Smith', 'pat-', 'pat-12', 'PAT-7QX2K9', 'pat-7QX 2K9', 'pat-7QX2K9;drop']) {
      const choice = patientFromForm({ ref, label: '' });
      expect(choice.ok, ref).toBe(false);
      expect(patientContext.safeParse({ ref, label: null }).success, ref).toBe(false);
    }
  });
});
