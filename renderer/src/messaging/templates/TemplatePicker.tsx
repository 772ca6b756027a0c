import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { MessageTemplate } from '../../../../shared/protocol/template-api';
import { parseTemplate, previewTemplate } from '../../../../shared/text/templates/template-language';

/**
 * The template picker: type to filter by name or text, ↑ and ↓ to move, Enter to choose, Escape
 * to close. A filter box that owns a listbox (the ARIA combobox pattern, always expanded), so a
 * screen reader hears each template as the arrows reach it.
 */
export function TemplatePicker({
  templates,
  onChoose,
  onClose,
  autoFocus,
}: {
  readonly templates: readonly MessageTemplate[];
  /** Opened by the sender (`/` or the button): the filter takes the focus. */
  readonly autoFocus: boolean;
  readonly onChoose: (template: MessageTemplate) => void;
  readonly onClose: () => void;
}) {
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const group = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);

  const wanted = filter.trim().toLowerCase();
  const shown = templates.filter(
    (template) =>
      wanted === '' || template.name.toLowerCase().includes(wanted) || template.body.toLowerCase().includes(wanted),
  );
  const current = Math.min(active, Math.max(shown.length - 1, 0));

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive(shown.length === 0 ? 0 : (current + step + shown.length) % shown.length);
    } else if (event.key === 'Enter') {
      // Never the surrounding form's submit: Enter here chooses.
      event.preventDefault();
      event.stopPropagation();
      const template = shown[current];
      if (template !== undefined) onChoose(template);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    }
  }

  return (
    <div ref={group} className="template-picker" role="group" aria-labelledby={`${id}-label`}>
      <label id={`${id}-label`} htmlFor={`${id}-filter`}>
        Templates
      </label>
      <input
        ref={input}
        id={`${id}-filter`}
        className="template-filter"
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={shown.length > 0 ? `${id}-option-${String(current)}` : undefined}
        aria-describedby={`${id}-hint`}
        autoComplete="off"
        spellCheck={false}
        maxLength={80}
        value={filter}
        onChange={(event) => {
          setFilter(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        // The list under the filter, not only the filter, in view: compose may have scrolled it away.
        onFocus={() => requestAnimationFrame(() => group.current?.scrollIntoView({ block: 'nearest' }))}
      />
      <p id={`${id}-hint`} className="field-hint">
        Type to filter, ↑ ↓ to move, Enter to choose, Escape to close.
      </p>
      <ul id={`${id}-list`} role="listbox" aria-label="Templates" className="template-list">
        {shown.map((template, index) => (
          <li
            key={template.templateId}
            id={`${id}-option-${String(index)}`}
            role="option"
            aria-selected={index === current}
            className="template-option"
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => onChoose(template)}
          >
            <span className="template-option-name">{template.name}</span>
            <span className="template-option-text">{previewOf(template)}</span>
          </li>
        ))}
      </ul>
      {shown.length === 0 && (
        <p className="template-empty" role="status">
          {templates.length === 0 ? 'No templates are available to you.' : 'No template matches that.'}
        </p>
      )}
    </div>
  );
}

function previewOf(template: MessageTemplate): string {
  const parsed = parseTemplate(template.body);
  return parsed.ok ? previewTemplate(parsed.value) : '';
}
