/**
 * A New… form as it is filled and sent: its fields, each field's mistake, what the form as a whole
 * says, and whether it is sending. Create checks the fields before anything is sent (focus goes to
 * the first with a mistake), sends one request at a time, lets the server ask for a fresh proof of
 * who the admin is, and marks an id already taken on its field. What is checked and sent is the
 * form's own.
 */
import { useRef, useState, type SubmitEvent } from 'react';
import type { AppError, ErrorCode } from '../../../shared/errors';
import type { IpcResult } from '../../../shared/ipc/result';
import type { Result } from '../../../shared/result';
import { useReauthentication } from './use-reauthentication';

type Mistakes<K extends string> = Partial<Record<K, string>>;

export interface CreateSpec<F, R, V, K extends string> {
  /** The request to send, or each field's mistake. */
  readonly check: (form: F) => Result<R, Mistakes<K>>;
  readonly create: (request: R) => Promise<IpcResult<V>>;
  readonly describeError: (error: AppError) => string;
  /** The refusal that means the id is taken, and the field and words that say so. */
  readonly taken: { readonly code: ErrorCode; readonly field: K; readonly text: string };
  /** Focus to the first field (in the form's order) that `mistakes` names. */
  readonly focusFirst: (mistakes: Mistakes<K>) => void;
  readonly onCreated: (request: R, created: V) => void;
}

export function useCreateForm<F, R, V, K extends string>(empty: F, spec: CreateSpec<F, R, V, K>) {
  const [form, setForm] = useState<F>(empty);
  const [errors, setErrors] = useState<Mistakes<K>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // `busy` lands a render late: a second Enter before it does must not send twice.
  const pending = useRef(false);
  const withReauthentication = useReauthentication();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (pending.current) return;
    const checked = spec.check(form);
    if (!checked.ok) {
      setErrors(checked.error);
      setError('Check the fields marked below.');
      spec.focusFirst(checked.error);
      return;
    }
    pending.current = true;
    setBusy(true);
    setErrors({});
    setError(null);
    // Not asked for today, but the server decides: if it wants a fresh proof, the admin is asked.
    const result = await withReauthentication(() => spec.create(checked.value));
    pending.current = false;
    setBusy(false);
    if (result === null) {
      setError('Not created: you cancelled when asked to confirm it was you.');
      return;
    }
    if (result.ok) {
      spec.onCreated(checked.value, result.value);
      return;
    }
    setError(spec.describeError(result.error));
    if (result.error.code === spec.taken.code) {
      const mistakes = { [spec.taken.field]: spec.taken.text } as Mistakes<K>;
      setErrors(mistakes);
      spec.focusFirst(mistakes);
    }
  }

  return { form, setForm, errors, setErrors, error, setError, busy, submit };
}
