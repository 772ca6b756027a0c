import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import {
  fieldLabel,
  fieldValueProblemText,
  previewTemplate,
  type TemplateField,
} from '../../../../shared/text/templates/template-language';
import type { MessageTemplates } from './use-message-templates';

const HINTS: Readonly<Record<TemplateField['type'], string>> = {
  number: 'A number',
  time: 'HH:MM, 24-hour',
  choice: '',
  text: 'Short text',
};

/**
 * The chosen template's fields as a small form, with the message as it will read below them.
 * Tab moves between fields; Enter sends (the surrounding form's submit, from a list too).
 * A field's problem shows beside it once a send was tried.
 */
export function TemplateFields({
  templates,
  onChange,
  describedBy,
}: {
  readonly templates: MessageTemplates;
  /** Another template, or (when allowed) back to free text. */
  readonly onChange: () => void;
  readonly describedBy?: string | undefined;
}) {
  const id = useId();
  const first = useRef<HTMLInputElement & HTMLSelectElement>(null);
  const set = useRef<HTMLFieldSetElement>(null);
  const chosen = templates.chosen;
  const templateId = chosen?.template.templateId;
  // The first field, or with none to fill in, Send: Enter then sends at once.
  useEffect(
    () => (first.current ?? set.current?.form?.querySelector<HTMLButtonElement>('button[type="submit"]'))?.focus(),
    [templateId],
  );
  if (chosen === null) return null;

  function onKeyDown(event: KeyboardEvent<HTMLSelectElement>) {
    if (event.key === 'Enter' && !event.altKey) {
      event.preventDefault();
      event.currentTarget.form?.requestSubmit();
    }
  }

  return (
    <fieldset ref={set} className="template-fields" aria-describedby={describedBy}>
      <legend>Template: {chosen.template.name}</legend>
      {chosen.parsed.fields.map((field, index) => {
        const fieldId = `${id}-${field.name}`;
        const problem = templates.showProblems ? templates.problems[field.name] : undefined;
        const described = [HINTS[field.type] === '' ? null : `${fieldId}-hint`, problem ? `${fieldId}-error` : null]
          .filter((part) => part !== null)
          .join(' ');
        const common = {
          id: fieldId,
          name: field.name,
          value: chosen.values[field.name] ?? '',
          'aria-invalid': problem !== undefined,
          'aria-describedby': described === '' ? undefined : described,
          ...(index === 0 ? { ref: first } : {}),
        };
        return (
          <div className="field template-field" key={field.name}>
            <label htmlFor={fieldId}>{fieldLabel(field)}</label>
            {field.type === 'choice' ? (
              <select
                {...common}
                onChange={(event) => templates.setValue(field.name, event.target.value)}
                onKeyDown={onKeyDown}
              >
                {field.options.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...common}
                autoComplete="off"
                spellCheck={field.type === 'text'}
                inputMode={field.type === 'number' ? 'numeric' : undefined}
                maxLength={field.type === 'text' ? field.maxLength : field.type === 'time' ? 5 : 6}
                size={field.type === 'text' ? Math.min(field.maxLength, 40) : 8}
                onChange={(event) => templates.setValue(field.name, event.target.value)}
              />
            )}
            {HINTS[field.type] !== '' && (
              <span id={`${fieldId}-hint`} className="field-hint">
                {HINTS[field.type]}
              </span>
            )}
            {problem !== undefined && (
              <span id={`${fieldId}-error`} className="field-error">
                {fieldValueProblemText(problem)}
              </span>
            )}
          </div>
        );
      })}
      <p className="template-preview">
        <span className="template-preview-label">Message: </span>
        <output aria-live="polite">{previewTemplate(chosen.parsed, chosen.values)}</output>
      </p>
      <button type="button" className="button button-secondary" onClick={onChange}>
        {templates.only ? 'Choose another template' : 'Write my own instead'}
      </button>
    </fieldset>
  );
}
