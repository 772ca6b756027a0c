import { useId, useRef, useState, type ReactNode, type SubmitEvent } from 'react';
import { ACTION_OPTIONS, isAuditAction } from './audit-labels';
import { EMPTY_FORM, filterFromForm, firstInvalid, type FilterField, type FilterForm } from './audit-filter';
import type { AuditSearchFilter } from './audit-types';

type Errors = Partial<Record<FilterField, string>>;

/**
 * What to search the trail for: any mix of user, patient, workstation, conversation, action and
 * time; all empty lists the whole trail. A field that cannot be right is named beside it and
 * gets focus; nothing is sent until every field reads.
 */
export function AuditFilterForm({
  busy,
  onSearch,
}: {
  readonly busy: boolean;
  readonly onSearch: (filter: AuditSearchFilter) => void;
}) {
  const id = useId();
  const [form, setForm] = useState<FilterForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<Errors>({});
  const formRef = useRef<HTMLFormElement>(null);

  const set = (field: FilterField) => (value: string) => {
    setForm((previous) => ({ ...previous, [field]: value }));
    // A corrected field stops saying it is wrong as soon as it is edited.
    if (errors[field] !== undefined) setErrors((previous) => withoutField(previous, field));
  };

  function submit(event: SubmitEvent) {
    event.preventDefault();
    const result = filterFromForm(form);
    if (!result.ok) {
      setErrors(result.error);
      const first = firstInvalid(result.error);
      if (first !== null) formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(`${id}-${first}`)}`)?.focus();
      return;
    }
    setErrors({});
    onSearch(result.value);
  }

  function clear() {
    setForm(EMPTY_FORM);
    setErrors({});
  }

  const text = (
    field: FilterField,
    label: string,
    props: { readonly placeholder?: string; readonly maxLength: number; readonly wide?: boolean },
  ) => (
    <Field id={id} field={field} label={label} error={errors[field]} wide={props.wide ?? false}>
      {(describedBy) => (
        <input
          id={`${id}-${field}`}
          type="text"
          className={props.wide === true ? 'audit-id-input' : undefined}
          spellCheck={false}
          autoComplete="off"
          maxLength={props.maxLength}
          placeholder={props.placeholder}
          value={form[field]}
          aria-invalid={errors[field] !== undefined}
          aria-describedby={describedBy}
          onChange={(event) => set(field)(event.target.value)}
        />
      )}
    </Field>
  );

  return (
    <form ref={formRef} className="audit-filter" aria-label="Search the audit trail" onSubmit={submit} noValidate>
      <div className="audit-filter-grid">
        {text('userId', 'User ID', { maxLength: 64, placeholder: 'nurse.adams' })}
        {text('patient', 'Patient reference', { maxLength: 44, placeholder: 'pat-…' })}
        {text('workstationId', 'Workstation ID', { maxLength: 36, wide: true })}
        {text('conversationId', 'Conversation ID', { maxLength: 36, wide: true })}
        <Field id={id} field="action" label="Action" error={errors.action} wide={false}>
          {(describedBy) => (
            <select
              id={`${id}-action`}
              value={form.action}
              aria-describedby={describedBy}
              onChange={(event) => set('action')(isAuditAction(event.target.value) ? event.target.value : '')}
            >
              <option value="">Any action</option>
              {ACTION_OPTIONS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={id} field="from" label="From (local time)" error={errors.from} wide={false}>
          {(describedBy) => (
            <input
              id={`${id}-from`}
              type="datetime-local"
              value={form.from}
              aria-invalid={errors.from !== undefined}
              aria-describedby={describedBy}
              onChange={(event) => set('from')(event.target.value)}
            />
          )}
        </Field>
        <Field id={id} field="to" label="To (local time, inclusive)" error={errors.to} wide={false}>
          {(describedBy) => (
            <input
              id={`${id}-to`}
              type="datetime-local"
              value={form.to}
              aria-invalid={errors.to !== undefined}
              aria-describedby={describedBy}
              onChange={(event) => set('to')(event.target.value)}
            />
          )}
        </Field>
        <div className="button-row audit-filter-actions">
          <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Searching…' : 'Search'}
          </button>
          <button type="button" className="button button-secondary" onClick={clear} disabled={busy}>
            Clear
          </button>
        </div>
      </div>
    </form>
  );
}

function Field({
  id,
  field,
  label,
  error,
  wide,
  children,
}: {
  readonly id: string;
  readonly field: FilterField;
  readonly label: string;
  readonly error: string | undefined;
  readonly wide: boolean;
  readonly children: (describedBy: string | undefined) => ReactNode;
}) {
  const errorId = `${id}-${field}-error`;
  const describedBy = error === undefined ? undefined : errorId;
  return (
    <div className={`field audit-field audit-field-${field}${wide ? ' audit-field-wide' : ''}`}>
      <label htmlFor={`${id}-${field}`}>{label}</label>
      {children(describedBy)}
      {error !== undefined && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

function withoutField(errors: Errors, field: FilterField): Errors {
  return Object.fromEntries(Object.entries(errors).filter(([key]) => key !== field));
}
