import type { ReactNode } from 'react';
import { FieldError, Label, Text, TextField } from 'react-aria-components';

/**
 * A text field of an admin form: its label (marked optional where it may stay empty), a hint read
 * with it, the input itself (`children`: an Input or a TextArea, with its ref and bounds), and the
 * mistake Create or Save found in it, which marks the field invalid until it is checked again.
 */
export function FormTextField({
  label,
  optional = false,
  hint,
  value,
  onChange,
  error,
  isRequired = false,
  wide = false,
  children,
}: {
  readonly label: string;
  readonly optional?: boolean;
  readonly hint?: ReactNode;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly error: string | undefined;
  readonly isRequired?: boolean;
  /** Across the whole form grid. */
  readonly wide?: boolean;
  readonly children: ReactNode;
}) {
  return (
    <TextField
      className={wide ? 'field field-span' : 'field'}
      value={value}
      onChange={onChange}
      isInvalid={error !== undefined}
      isRequired={isRequired}
    >
      <Label>
        {label}
        {optional && (
          <>
            {' '}
            <span className="optional">(optional)</span>
          </>
        )}
      </Label>
      {hint !== undefined && (
        <Text slot="description" className="field-hint">
          {hint}
        </Text>
      )}
      {children}
      <FieldError className="field-error">{error}</FieldError>
    </TextField>
  );
}
