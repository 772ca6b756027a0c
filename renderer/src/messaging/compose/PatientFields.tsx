import { PATIENT_LABEL_MAX, type PatientForm } from './patient-choice';

/**
 * Optional patient context for a new conversation: the reference (what the audit trail names)
 * and a label the recipients see. Grouped so a screen reader announces them as one question.
 */
export function PatientFields({
  id,
  value,
  onChange,
  error,
}: {
  readonly id: string;
  readonly value: PatientForm;
  readonly onChange: (value: PatientForm) => void;
  readonly error: string | null;
}) {
  return (
    <fieldset className="patient-fields" aria-describedby={`${id}-hint`}>
      <legend>
        Patient <span className="optional">(optional)</span>
      </legend>
      <p id={`${id}-hint`} className="field-hint">
        Name the patient this conversation is about. Every time someone opens it, the audit trail records the reference.
      </p>
      <div className="patient-row">
        <div className="field">
          <label htmlFor={`${id}-ref`}>Patient reference</label>
          <input
            id={`${id}-ref`}
            value={value.ref}
            maxLength={44}
            placeholder="pat-…"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error !== null}
            aria-errormessage={error === null ? undefined : `${id}-error`}
            onChange={(event) => onChange({ ...value, ref: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-label`}>Name or bed</label>
          <input
            id={`${id}-label`}
            value={value.label}
            maxLength={PATIENT_LABEL_MAX}
            autoComplete="off"
            onChange={(event) => onChange({ ...value, label: event.target.value })}
          />
        </div>
      </div>
      {error !== null && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
