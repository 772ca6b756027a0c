import { useId } from 'react';
import type { Priority } from '../../../../shared/protocol/envelope';
import { PRIORITY_OPTIONS } from '../message/priority';

/** `Priority` as three large radio buttons: Routine, Urgent, STAT (arrow keys move between). */
export function PriorityField({
  value,
  onChange,
}: {
  readonly value: Priority;
  readonly onChange: (value: Priority) => void;
}) {
  const name = useId();
  return (
    <fieldset className="field priority-field">
      <legend>Priority</legend>
      <div className="segmented">
        {PRIORITY_OPTIONS.map((option) => (
          <label key={option.value} className="segment" data-priority={option.value}>
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
