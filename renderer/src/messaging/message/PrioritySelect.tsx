import type { Priority } from '../../../../shared/protocol/envelope';
import { PRIORITY_OPTIONS } from './priority';

/** A compact `Priority` choice for the reply box (compose uses the larger radio group). */
export function PrioritySelect({
  id,
  value,
  onChange,
}: {
  readonly id: string;
  readonly value: Priority;
  readonly onChange: (value: Priority) => void;
}) {
  return (
    <div className="field field-inline">
      <label htmlFor={id}>Priority</label>
      <select
        id={id}
        value={value}
        data-priority={value}
        onChange={(event) => {
          const chosen = PRIORITY_OPTIONS.find((option) => option.value === event.target.value);
          if (chosen) onChange(chosen.value);
        }}
      >
        {PRIORITY_OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
