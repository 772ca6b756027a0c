import type { RefObject } from 'react';
import { FieldError, Input, Label, Text, TextArea, TextField } from 'react-aria-components';
import { FIELD_MAX, type RoleAddressErrors, type RoleAddressField, type RoleAddressForm } from './role-address-form';

/** Each field of a role address form, for focus to go to one with a mistake. */
export interface RoleAddressRefs {
  /** Null where the id is not asked for (it never changes). */
  readonly addressId: RefObject<HTMLInputElement | null> | null;
  readonly displayName: RefObject<HTMLInputElement | null>;
  readonly department: RefObject<HTMLInputElement | null>;
  readonly description: RefObject<HTMLTextAreaElement | null>;
}

/** Focus to the first field (in the form's order) that `errors` names: from an event, never during render. */
export function focusFirstError(refs: RoleAddressRefs, errors: Partial<Record<RoleAddressField, string>>): void {
  const first = (['addressId', 'displayName', 'department', 'description'] as const).find(
    (field) => errors[field] !== undefined,
  );
  if (first !== undefined) refs[first]?.current?.focus();
}

/**
 * What IT says about a role address, as others will see it: its name, its department and what it
 * is for. Shared by New role address and the address's own panel. What is typed is shown back
 * as it will be stored (trimmed, spaces collapsed) once it is saved.
 */
export function RoleAddressFields({
  form,
  errors,
  onChange,
  nameRef,
  departmentRef,
  descriptionRef,
}: {
  readonly form: RoleAddressForm;
  readonly errors: RoleAddressErrors;
  readonly onChange: (field: RoleAddressField, value: string) => void;
  readonly nameRef: RefObject<HTMLInputElement | null>;
  readonly departmentRef: RefObject<HTMLInputElement | null>;
  readonly descriptionRef: RefObject<HTMLTextAreaElement | null>;
}) {
  return (
    <>
      <TextField
        className="field"
        value={form.displayName}
        onChange={(value) => onChange('displayName', value)}
        isInvalid={errors.displayName !== undefined}
        isRequired
      >
        <Label>Name</Label>
        <Text slot="description" className="field-hint">
          As senders see it, such as On-call cardiology.
        </Text>
        <Input ref={nameRef} autoComplete="off" maxLength={FIELD_MAX.displayName} />
        <FieldError className="field-error">{errors.displayName}</FieldError>
      </TextField>
      <TextField
        className="field"
        value={form.department}
        onChange={(value) => onChange('department', value)}
        isInvalid={errors.department !== undefined}
      >
        <Label>
          Department <span className="optional">(optional)</span>
        </Label>
        <Input ref={departmentRef} autoComplete="off" maxLength={FIELD_MAX.department} />
        <FieldError className="field-error">{errors.department}</FieldError>
      </TextField>
      <TextField
        className="field field-span"
        value={form.description}
        onChange={(value) => onChange('description', value)}
        isInvalid={errors.description !== undefined}
      >
        <Label>
          Description <span className="optional">(optional)</span>
        </Label>
        <Text slot="description" className="field-hint">
          Who answers it, and when. One paragraph.
        </Text>
        <TextArea ref={descriptionRef} rows={2} maxLength={FIELD_MAX.description} />
        <FieldError className="field-error">{errors.description}</FieldError>
      </TextField>
    </>
  );
}
