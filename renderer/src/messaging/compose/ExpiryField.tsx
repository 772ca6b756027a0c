import { EXPIRY_OPTIONS } from './expiry-options';

/** Optional expiry: after it, the message body is removed from every workstation. */
export function ExpiryField({
  id,
  value,
  onChange,
}: {
  readonly id: string;
  readonly value: number | null;
  readonly onChange: (seconds: number | null) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>Expires</label>
      <select
        id={id}
        value={value === null ? '' : String(value)}
        onChange={(event) => onChange(event.target.value === '' ? null : Number(event.target.value))}
      >
        {EXPIRY_OPTIONS.map((option) => (
          <option key={option.label} value={option.seconds === null ? '' : String(option.seconds)}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
