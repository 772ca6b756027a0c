import { useRef, useState, type SubmitEvent } from 'react';
import {
  Button,
  Dialog,
  DialogTrigger,
  FieldError,
  Heading,
  Input,
  Label,
  Modal,
  ModalOverlay,
  Text,
  TextField,
} from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ErrorAlert } from '../../components/ErrorAlert';
import { describeAdminError } from '../admin-labels';
import { useReauthentication } from '../use-reauthentication';
import { focusFirstError, RoleAddressFields } from './RoleAddressFields';
import {
  checkRoleAddress,
  EMPTY_ROLE_ADDRESS,
  ROLE_ADDRESS_ID_MAX,
  type RoleAddressErrors,
  type RoleAddressForm,
} from './role-address-form';

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
  const [open, setOpen] = useState(false);
  return (
    <DialogTrigger isOpen={open} onOpenChange={setOpen}>
      <Button className="button button-secondary">New role address…</Button>
      <ModalOverlay className="modal-overlay" isDismissable={false}>
        <Modal className="modal modal-wide">
          <Dialog className="dialog">
            <NewRoleAddressForm
              bridge={bridge}
              onCancel={() => setOpen(false)}
              onCreated={(addressId) => {
                setOpen(false);
                onCreated(addressId);
              }}
            />
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
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
  const [form, setForm] = useState<RoleAddressForm>(EMPTY_ROLE_ADDRESS);
  const [errors, setErrors] = useState<RoleAddressErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const idField = useRef<HTMLInputElement>(null);
  const nameField = useRef<HTMLInputElement>(null);
  const departmentField = useRef<HTMLInputElement>(null);
  const descriptionField = useRef<HTMLTextAreaElement>(null);
  const pending = useRef(false);
  const withReauthentication = useReauthentication();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (pending.current) return;
    const checked = checkRoleAddress(form);
    if (!checked.ok) {
      setErrors(checked.error);
      setError('Check the fields marked below.');
      focusFirstError(
        { addressId: idField, displayName: nameField, department: departmentField, description: descriptionField },
        checked.error,
      );
      return;
    }
    pending.current = true;
    setBusy(true);
    setErrors({});
    setError(null);
    // Not asked for today, but the server decides: if it wants a fresh proof, the admin is asked.
    const result = await withReauthentication(() => bridge.admin.createRoleAddress(checked.value));
    pending.current = false;
    setBusy(false);
    if (result === null) {
      setError('Not created: you cancelled when asked to confirm it was you.');
      return;
    }
    if (result.ok) {
      onCreated(checked.value.addressId);
      return;
    }
    setError(describeAdminError(result.error, 'role-address'));
    if (result.error.code === 'CONFLICT') {
      setErrors({ addressId: 'Taken: choose another ID.' });
      idField.current?.focus();
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Heading slot="title">New role address</Heading>
      <p className="hint">
        A role address lets people write to a duty (“On-call cardiology”) rather than a person. It starts without
        members; you add them next.
      </p>
      <ErrorAlert message={error} />
      <div className="form-grid">
        <TextField
          className="field field-span"
          value={form.addressId}
          onChange={(value) => setForm((previous) => ({ ...previous, addressId: value }))}
          isInvalid={errors.addressId !== undefined}
          isRequired
        >
          <Label>ID</Label>
          <Text slot="description" className="field-hint">
            role: then lower-case letters, digits and dashes, such as role:oncall-cardiology. It cannot be changed or
            reused later.
          </Text>
          <Input
            ref={idField}
            autoFocus
            spellCheck={false}
            autoComplete="off"
            maxLength={ROLE_ADDRESS_ID_MAX}
            placeholder="role:"
          />
          <FieldError className="field-error">{errors.addressId}</FieldError>
        </TextField>
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
        <Button type="submit" className="button button-primary" isDisabled={busy}>
          {busy ? 'Creating…' : 'Create role address'}
        </Button>
        <Button className="button button-secondary" isDisabled={busy} onPress={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
