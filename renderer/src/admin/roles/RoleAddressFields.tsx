import type { RefObject } from 'react';
import { Input, TextArea } from 'react-aria-components';
import { FormTextField } from '../FormTextField';
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
      <FormTextField
        label="Name"
        hint="As senders see it, such as On-call cardiology."
        value={form.displayName}
        onChange={(value) => onChange('displayName', value)}
        error={errors.displayName}
        isRequired
      >
        <Input ref={nameRef} autoComplete="off" maxLength={FIELD_MAX.displayName} />
      </FormTextField>
      <FormTextField
        label="Department"
        optional
        value={form.department}
        onChange={(value) => onChange('department', value)}
        error={errors.department}
      >
        <Input ref={departmentRef} autoComplete="off" maxLength={FIELD_MAX.department} />
      </FormTextField>
      <FormTextField
        label="Description"
        optional
        hint="Who answers it, and when. One paragraph."
        value={form.description}
        onChange={(value) => onChange('description', value)}
        error={errors.description}
        wide
      >
        <TextArea ref={descriptionRef} rows={2} maxLength={FIELD_MAX.description} />
      </FormTextField>
    </>
  );
}
