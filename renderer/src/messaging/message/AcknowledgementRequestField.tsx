import type { Priority } from '../../../../shared/protocol/envelope';

/**
 * "Ask for acknowledgement": a choice for a routine message. Urgent and STAT always ask, so for
 * them the box shows ticked and cannot be cleared, and says why.
 */
export function AcknowledgementRequestField({
  id,
  priority,
  checked,
  onChange,
}: {
  readonly id: string;
  readonly priority: Priority;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
}) {
  const always = priority !== 'routine';
  return (
    <div className="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        checked={always || checked}
        disabled={always}
        aria-describedby={always ? `${id}-why` : undefined}
        onChange={(event) => onChange(event.target.checked)}
      />
      <label htmlFor={id}>Ask for acknowledgement</label>
      {always && (
        <span id={`${id}-why`} className="visually-hidden">
          Urgent and STAT messages always ask for acknowledgement.
        </span>
      )}
    </div>
  );
}
