/**
 * Compose's patient fields and what they mean as a send request's `patient`. Checked here so a
 * typo is named beside its field; main checks the request again with the shared schema.
 * Pure, so it is tested without a browser.
 */
import type { PatientContext } from '../../../../shared/protocol/envelope';
import { err, ok, type Result } from '../../../../shared/result';

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

/** What is wrong, and the field to say it beside. */
export interface PatientProblem {
  readonly field: 'ref';
  readonly message: string;
}

/** The send request's `patient` (null for none), or the problem. */
export type PatientChoice = Result<PatientContext | null, PatientProblem>;

export function patientFromForm(form: PatientForm): PatientChoice {
  const ref = form.ref.trim();
  const label = form.label.trim();
  if (ref === '' && label === '') return ok(null);
  // A name without the reference would never reach the audit trail: ask for the reference.
  if (ref === '')
    return err({
      field: 'ref',
      message: 'Add the patient reference from the wristband or chart, or clear the patient name.',
    });
  if (!PATIENT_REFERENCE.test(ref))
    return err({ field: 'ref', message: 'A patient reference starts with “pat-”, then 4 to 40 letters or digits.' });
  return ok({ ref, label: label === '' ? null : label.slice(0, PATIENT_LABEL_MAX) });
}
