import type { KeyboardEvent, Ref } from 'react';

/**
 * The `Message` text area used by the reply box and by compose. Ctrl+Enter (or ⌘+Enter) sends
 * by submitting the surrounding form, so both paths share the same checks.
 */
export function MessageField({
  id,
  value,
  onChange,
  invalid,
  describedBy,
  rows = 3,
  fieldRef,
}: {
  readonly id: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly invalid: boolean;
  readonly describedBy?: string | undefined;
  readonly rows?: number;
  readonly fieldRef?: Ref<HTMLTextAreaElement>;
}) {
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.currentTarget.form?.requestSubmit();
    }
  }
  return (
    <div className="field field-message">
      <label htmlFor={id}>Message</label>
      <textarea
        ref={fieldRef}
        id={id}
        name="message"
        rows={rows}
        maxLength={10_000}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        aria-invalid={invalid}
        aria-describedby={describedBy === '' ? undefined : describedBy}
      />
    </div>
  );
}
