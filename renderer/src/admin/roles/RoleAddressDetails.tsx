import { useRef, useState, type SubmitEvent } from 'react';
import { Button } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { displayText } from '../../../../shared/text/display-text';
import { ActionOutcomeView } from '../ActionOutcomeView';
import type { RoleAddress } from '../admin-types';
import { useAdminAction } from '../use-admin-action';
import { focusFirstError, RoleAddressFields } from './RoleAddressFields';
import { checkRoleAddress, type RoleAddressErrors, type RoleAddressForm } from './role-address-form';

const formOf = (address: RoleAddress): RoleAddressForm => ({
  addressId: address.addressId,
  displayName: address.displayName,
  department: address.department,
  description: address.description,
});

/**
 * A role address's name, department and description, edited in place. Undo is offered while
 * something differs from what is stored (as it would be stored); after Save the fields show what
 * the server kept. Its id never changes.
 */
export function RoleAddressDetails({
  bridge,
  address,
  onSaved,
}: {
  readonly bridge: WardlineApi;
  readonly address: RoleAddress;
  readonly onSaved: () => Promise<void>;
}) {
  const { busy, outcome, run } = useAdminAction('role-address');
  const [form, setForm] = useState<RoleAddressForm>(() => formOf(address));
  const [errors, setErrors] = useState<RoleAddressErrors>({});
  const nameField = useRef<HTMLInputElement>(null);
  const departmentField = useRef<HTMLInputElement>(null);
  const descriptionField = useRef<HTMLTextAreaElement>(null);

  const changed = (['displayName', 'department', 'description'] as const).some(
    (field) => displayText(form[field]) !== address[field],
  );

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy !== null) return;
    const checked = checkRoleAddress({ ...form, addressId: address.addressId });
    if (!checked.ok) {
      setErrors(checked.error);
      focusFirstError(
        { addressId: null, displayName: nameField, department: departmentField, description: descriptionField },
        checked.error,
      );
      return;
    }
    setErrors({});
    const name = checked.value.displayName;
    const done = await run(
      'save',
      () => bridge.admin.updateRoleAddress(checked.value),
      ({ changed: saved }) => (saved ? `Saved: ${name}.` : 'Nothing to save: it already says that.'),
    );
    if (done !== null) {
      setForm(checked.value);
      await onSaved();
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="role-details">
      <h3>What senders see</h3>
      <div className="form-grid">
        <RoleAddressFields
          form={form}
          errors={errors}
          onChange={(field, value) => setForm((previous) => ({ ...previous, [field]: value }))}
          nameRef={nameField}
          departmentRef={departmentField}
          descriptionRef={descriptionField}
        />
      </div>
      <div className="button-row">
        <Button type="submit" className="button button-small button-primary" isDisabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : 'Save changes'}
        </Button>
        {changed && busy === null && (
          <Button
            className="button button-small button-secondary"
            onPress={() => {
              setForm(formOf(address));
              setErrors({});
              // This button goes with the changes: focus stays in the form.
              nameField.current?.focus();
            }}
          >
            Undo changes
          </Button>
        )}
      </div>
      <ActionOutcomeView outcome={outcome} />
    </form>
  );
}
