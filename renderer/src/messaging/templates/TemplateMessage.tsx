import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { TemplateFields } from './TemplateFields';
import { TemplatePicker } from './TemplatePicker';
import type { MessageTemplates } from './use-message-templates';
import './templates.css';

/**
 * Where compose and the reply box take their message: the free-text field (`children`) with a
 * Templates button, and `/` in the empty field opens the picker; once a template is chosen, its
 * fields and preview stand in for the text. A role policy restricts to templates gets no free
 * text at all, only the picker, and is told why (or that IT has published none for it yet).
 */
export function TemplateMessage({
  templates,
  children,
}: {
  readonly templates: MessageTemplates;
  /** The free-text Message field, for a role that may write its own. */
  readonly children: ReactNode;
}) {
  const [picking, setPicking] = useState(false);
  const [focusPicker, setFocusPicker] = useState(false);
  const area = useRef<HTMLDivElement>(null);
  const id = useId();

  function open() {
    setPicking(true);
    setFocusPicker(true);
  }

  function closePicker() {
    setPicking(false);
    area.current?.querySelector('textarea')?.focus();
  }

  function onKeyDownCapture(event: KeyboardEvent<HTMLDivElement>) {
    const target = event.target;
    if (
      event.key === '/' &&
      !event.ctrlKey &&
      !event.metaKey &&
      !event.altKey &&
      target instanceof HTMLTextAreaElement &&
      target.value === ''
    ) {
      event.preventDefault();
      open();
    }
  }

  if (templates.chosen !== null)
    return (
      <TemplateFields
        templates={templates}
        onChange={() => {
          templates.clear();
          if (templates.only) setFocusPicker(true);
          else setTimeout(() => area.current?.querySelector('textarea')?.focus());
        }}
      />
    );

  const list = templates.templates;
  if (templates.only)
    return (
      <div className="templates-only" role="group" aria-labelledby={`${id}-only`}>
        <p id={`${id}-only`} className="templates-only-note">
          Hospital policy lets your role send only approved templates.
        </p>
        {templates.loadError !== null ? (
          <p className="field-error">{templates.loadError}</p>
        ) : list === null ? (
          <p className="field-hint">Loading templates…</p>
        ) : list.length === 0 ? (
          <p className="template-none" role="status">
            No templates are available to you yet, so you cannot send a message. Ask IT to add the ones you need.
          </p>
        ) : (
          <TemplatePicker
            templates={list}
            autoFocus={focusPicker}
            onChoose={(template) => templates.choose(template)}
            onClose={() => setFocusPicker(false)}
          />
        )}
      </div>
    );

  return (
    <div ref={area} className="template-message" onKeyDownCapture={onKeyDownCapture}>
      {children}
      <div className="template-actions">
        <button
          type="button"
          className="button button-secondary template-button"
          aria-expanded={picking}
          aria-keyshortcuts="/"
          onClick={() => (picking ? closePicker() : open())}
        >
          Templates
        </button>
        <span className="field-hint">or type / in the empty message</span>
      </div>
      {picking && (
        <TemplatePicker
          templates={list ?? []}
          autoFocus={focusPicker}
          onChoose={(template) => {
            setPicking(false);
            templates.choose(template);
          }}
          onClose={closePicker}
        />
      )}
    </div>
  );
}
