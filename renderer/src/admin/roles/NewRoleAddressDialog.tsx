import { useRef } from 'react';
import { Heading, Input } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ErrorAlert } from '../../components/ErrorAlert';
import { describeAdminError } from '../admin-labels';
import { FormTextField } from '../FormTextField';
import { CreateButtons, NewEntryDialog } from '../NewEntryDialog';
import { useCreateForm } from '../use-create-form';
import { focusFirstError, RoleAddressFields } from './RoleAddressFields';
import { checkRoleAddress, EMPTY_ROLE_ADDRESS, ROLE_ADDRESS_ID_MAX } from './role-address-form';

const ID_HINT =
  'role: then lower-case letters, digits and dashes, such as role:oncall-cardiology. It cannot be changed or reused later.';

/**
 * "New role address…": its id (for good: ids are never reused), name, department and
 * description. It starts without members; the section opens it next, to add them.
 */
export function NewRoleAddressDialog({
  bridge,
  onCreated,
}: {
  readonly bridge: WardlineApi;
  readonly onCreated: (addressId: string) => void;
}) {
  return (
    <NewEntryDialog label="New role address…">
      {(close) => (
        <NewRoleAddressForm
          bridge={bridge}
          onCancel={close}
          onCreated={(addressId) => {
            close();
            onCreated(addressId);
          }}
        />
      )}
    </NewEntryDialog>
  );
}

function NewRoleAddressForm({
  bridge,
  onCancel,
  onCreated,
}: {
  readonly bridge: WardlineApi;
  readonly onCancel: () => void;
  readonly onCreated: (addressId: string) => void;
}) {
  const idField = useRef<HTMLInputElement>(null);
  const nameField = useRef<HTMLInputElement>(null);
  const departmentField = useRef<HTMLInputElement>(null);
  const descriptionField = useRef<HTMLTextAreaElement>(null);
  const { form, setForm, errors, error, busy, submit } = useCreateForm(EMPTY_ROLE_ADDRESS, {
    check: checkRoleAddress,
    create: (request) => bridge.admin.createRoleAddress(request),
    describeError: (failure) => describeAdminError(failure, 'role-address'),
    taken: { code: 'CONFLICT', field: 'addressId', text: 'Taken: choose another ID.' },
    focusFirst: (mistakes) =>
      focusFirstError(
        { addressId: idField, displayName: nameField, department: departmentField, description: descriptionField },
        mistakes,
      ),
    onCreated: (request) => onCreated(request.addressId),
  });

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Heading slot="title">New role address</Heading>
      <p className="hint">
        A role address lets people write to a duty (“On-call cardiology”) rather than a person. It starts without
        members; you add them next.
      </p>
      <ErrorAlert message={error} />
      <div className="form-grid">
        <FormTextField
          label="ID"
          hint={ID_HINT}
          value={form.addressId}
          onChange={(value) => setForm((previous) => ({ ...previous, addressId: value }))}
          error={errors.addressId}
          isRequired
          wide
        >
          <Input
            ref={idField}
            autoFocus
            spellCheck={false}
            autoComplete="off"
            maxLength={ROLE_ADDRESS_ID_MAX}
            placeholder="role:"
          />
        </FormTextField>
        <RoleAddressFields
          form={form}
          errors={errors}
          onChange={(field, value) => setForm((previous) => ({ ...previous, [field]: value }))}
          nameRef={nameField}
          departmentRef={departmentField}
          descriptionRef={descriptionField}
        />
      </div>
      <CreateButtons label="Create role address" busy={busy} onCancel={onCancel} />
    </form>
  );
}
