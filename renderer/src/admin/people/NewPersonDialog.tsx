import { useRef, useState } from 'react';
import {
  Button,
  FieldError,
  Heading,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
  Text,
} from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ROLES, type Role } from '../../../../shared/access/permission-matrix';
import { ErrorAlert } from '../../components/ErrorAlert';
import { roleLabel } from '../../people/role-label';
import { describeAdminError } from '../admin-labels';
import { FormTextField } from '../FormTextField';
import type { EnrollmentGrant } from '../admin-types';
import { CreateButtons, NewEntryDialog } from '../NewEntryDialog';
import { useCreateForm } from '../use-create-form';
import { EnrollmentCodeView } from './EnrollmentCodeDialog';
import {
  checkNewPerson,
  EMPTY_NEW_PERSON,
  SHOWN_TEXT_MAX,
  type NewPersonErrors,
  type NewPersonField,
  type NewPersonForm,
} from './new-person-form';

const ROLE_CHOICES = ROLES.map((role) => ({ id: role, name: roleLabel(role) }));

/**
 * "New person…": a form for the directory entry, then, in the same dialog, the person's one-time
 * enrollment code, shown once (EnrollmentCodeView). IT never chooses or sees a password. The code
 * is held here only while the dialog is open; closing it drops the code, and focus returns to
 * this button.
 */
export function NewPersonDialog({
  bridge,
  onCreated,
}: {
  readonly bridge: WardlineApi;
  /** The person now exists: show them. */
  readonly onCreated: (userId: string) => void;
}) {
  const [created, setCreated] = useState<{ readonly name: string; readonly grant: EnrollmentGrant } | null>(null);

  // Closing, whichever way, drops the code.
  return (
    <NewEntryDialog label="New person…" onClosed={() => setCreated(null)}>
      {(close) =>
        created === null ? (
          <NewPersonFormBody
            bridge={bridge}
            onCancel={close}
            onCreated={(person, grant) => {
              setCreated({ name: person.displayName, grant });
              onCreated(person.userId);
            }}
          />
        ) : (
          <EnrollmentCodeView
            grant={created.grant}
            name={created.name}
            title="Account created"
            lead={
              <p>
                The account exists now, and nobody can sign in to it yet. It waits for its owner to choose a password
                with this code.
              </p>
            }
            onClose={close}
          />
        )
      }
    </NewEntryDialog>
  );
}

function NewPersonFormBody({
  bridge,
  onCancel,
  onCreated,
}: {
  readonly bridge: WardlineApi;
  readonly onCancel: () => void;
  readonly onCreated: (person: { userId: string; displayName: string }, grant: EnrollmentGrant) => void;
}) {
  const userIdField = useRef<HTMLInputElement>(null);
  const nameField = useRef<HTMLInputElement>(null);
  const roleField = useRef<HTMLButtonElement>(null);
  const departmentField = useRef<HTMLInputElement>(null);
  const titleField = useRef<HTMLInputElement>(null);
  const { form, setForm, errors, setErrors, error, setError, busy, submit } = useCreateForm(EMPTY_NEW_PERSON, {
    check: checkNewPerson,
    create: (request) => bridge.admin.createPerson(request),
    describeError: (failure) => describeAdminError(failure),
    taken: { code: 'ACCOUNT_EXISTS', field: 'userId', text: 'Taken: choose another user ID.' },
    // From an event, never during render.
    focusFirst: (mistakes: NewPersonErrors) => {
      const fields = {
        userId: userIdField,
        displayName: nameField,
        role: roleField,
        department: departmentField,
        title: titleField,
      };
      const first = (Object.keys(EMPTY_NEW_PERSON) as NewPersonField[]).find((field) => mistakes[field] !== undefined);
      if (first !== undefined) fields[first].current?.focus();
    },
    onCreated: (request, created) => onCreated(request, created.enrollment),
  });

  /** A changed field's mistake is no longer shown; the next Create checks it again. */
  function change<F extends NewPersonField>(field: F, value: NewPersonForm[F]) {
    setForm((previous) => ({ ...previous, [field]: value }));
    if (errors[field] === undefined) return;
    const rest: NewPersonErrors = Object.fromEntries(Object.entries(errors).filter(([key]) => key !== field));
    setErrors(rest);
    if (Object.keys(rest).length === 0) setError(null);
  }
  const set = (field: Exclude<NewPersonField, 'role'>) => (value: string) => change(field, value);

  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="new-person-form">
      <Heading slot="title">New person</Heading>
      <p className="hint">
        You get a one-time enrollment code next. The person uses it at their first sign-in to choose their own password
        and set up an authenticator app.
      </p>
      <ErrorAlert message={error} />
      <div className="form-grid">
        <FormTextField
          label="User ID"
          hint="Lower case, such as nurse.adams. Never reused."
          value={form.userId}
          onChange={set('userId')}
          error={errors.userId}
          isRequired
        >
          <Input ref={userIdField} autoFocus spellCheck={false} autoComplete="off" maxLength={64} />
        </FormTextField>
        <FormTextField
          label="Name"
          hint="As colleagues will see it."
          value={form.displayName}
          onChange={set('displayName')}
          error={errors.displayName}
          isRequired
        >
          <Input ref={nameField} autoComplete="off" maxLength={SHOWN_TEXT_MAX} />
        </FormTextField>
        <FormTextField
          label="Department"
          optional
          value={form.department}
          onChange={set('department')}
          error={errors.department}
        >
          <Input ref={departmentField} autoComplete="off" maxLength={SHOWN_TEXT_MAX} />
        </FormTextField>
        <FormTextField label="Title" optional value={form.title} onChange={set('title')} error={errors.title}>
          <Input ref={titleField} autoComplete="off" maxLength={SHOWN_TEXT_MAX} />
        </FormTextField>
        <Select
          className="field select-field"
          value={form.role}
          onChange={(key) => change('role', (key as Role | null) ?? null)}
          isInvalid={errors.role !== undefined}
          isRequired
          placeholder="Choose a role"
        >
          <Label className="select-label">Role</Label>
          <Text slot="description" className="field-hint">
            What they may do in Wardline.
          </Text>
          <Button ref={roleField} className="select-button">
            <SelectValue />
            <span aria-hidden="true" className="select-arrow">
              ▾
            </span>
          </Button>
          <FieldError className="field-error">{errors.role}</FieldError>
          <Popover className="combo-popover" placement="bottom start" offset={4}>
            <ListBox className="combo-list" items={ROLE_CHOICES}>
              {(choice) => (
                <ListBoxItem id={choice.id} className="select-option">
                  {choice.name}
                </ListBoxItem>
              )}
            </ListBox>
          </Popover>
        </Select>
        {/* Beside the role, and announced when it appears. */}
        <div role="status" className="role-warning">
          {form.role === 'it-admin' && (
            <p className="admin-warning">
              An IT administrator can create, reset and deactivate every account, including other administrators’, and
              revoke workstations. Give this role only when IT has decided to.
            </p>
          )}
        </div>
      </div>
      <CreateButtons label="Create and show the code" busy={busy} onCancel={onCancel} />
    </form>
  );
}
