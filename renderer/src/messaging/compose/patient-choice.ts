/**
 * Compose's patient fields and what they mean as a send request's `patient`. Checked here so a
 * typo is named beside its field; main checks the request again with the shared schema.
 * Pure, so it is tested without a browser.
 */
import type { PatientContext } from '../../../../shared/protocol/envelope';

export interface PatientForm {
  /** The hospital's opaque reference, from the wristband or chart. */
  readonly ref: string;
  /** What the people in the thread read: a name, a bed. */
  readonly label: string;
}

export const EMPTY_PATIENT: PatientForm = { ref: '', label: '' };

// The pattern of shared/protocol/identifiers.ts `patientReference`.
const PATIENT_REFERENCE = /^pat-[A-Za-z0-9]{4,40}$/;
export const PATIENT_LABEL_MAX = 120;

export type PatientChoice =
  | { readonly ok: true; readonly patient: PatientContext | null }
  | { readonly ok: false; readonly field: 'ref'; readonly message: string };

export function patientFromForm(form: PatientForm): PatientChoice {
  const ref = form.ref.trim();
  const label = form.label.trim();
  if (ref === '' && label === '') return { ok: true, patient: null };
  // A name without the reference would never reach the audit trail: ask for the reference.
  if (ref === '')
    return {
      ok: false,
      field: 'ref',
      message: 'Add the patient reference from the wristband or chart, or clear the patient name.',
    };
  if (!PATIENT_REFERENCE.test(ref))
    return {
      ok: false,
      field: 'ref',
      message: 'A patient reference starts with “pat-”, then 4 to 40 letters or digits.',
    };
  return { ok: true, patient: { ref, label: label === '' ? null : label.slice(0, PATIENT_LABEL_MAX) } };
}
