/**
 * The filter form's values and what they mean as an `audit.search` filter. Checked lightly here
 * so a typo is named next to its field; main checks the request again (the renderer is not
 * trusted), with the same patterns as shared/audit/. Pure, so it is tested without a browser.
 */
import type { AuditAction } from '../../../shared/audit/audit-event';
import { err, ok, type Result } from '../../../shared/result';
import type { AuditSearchFilter } from './audit-types';

export interface FilterForm {
  readonly userId: string;
  readonly patient: string;
  readonly workstationId: string;
  readonly conversationId: string;
  /** An action, or '' for any. */
  readonly action: AuditAction | '';
  /** `datetime-local` values (`YYYY-MM-DDTHH:MM`, the workstation's local time), or ''. */
  readonly from: string;
  readonly to: string;
}

export type FilterField = keyof FilterForm;

export const EMPTY_FORM: FilterForm = {
  userId: '',
  patient: '',
  workstationId: '',
  conversationId: '',
  action: '',
  from: '',
  to: '',
};

/** The fields in the order the form shows them, so the first problem gets focus. */
export const FILTER_FIELDS: readonly FilterField[] = [
  'userId',
  'patient',
  'workstationId',
  'conversationId',
  'action',
  'from',
  'to',
];

export const NO_FILTER: AuditSearchFilter = {
  userId: null,
  patient: null,
  workstationId: null,
  conversationId: null,
  action: null,
  since: null,
  until: null,
};

// The same patterns as shared/protocol/identifiers.ts and shared/audit/audit-event.ts.
const USER_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PATIENT = /^pat-[A-Za-z0-9]{4,40}$/;
const LOCAL_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const MINUTE_MS = 60_000;

/** What is wrong with each field that is wrong. */
export type FilterErrors = Partial<Record<FilterField, string>>;

export type FilterResult = Result<AuditSearchFilter, FilterErrors>;

/**
 * The filter for these form values, or what is wrong with each field. `To` includes its whole
 * minute (the server's `until` is exclusive), so From 14:00 To 14:00 is that one minute.
 */
export function filterFromForm(form: FilterForm): FilterResult {
  const errors: FilterErrors = {};
  const userId = form.userId.trim().toLowerCase();
  if (userId !== '' && !USER_ID.test(userId))
    errors.userId = 'Use letters, digits, dots, dashes or underscores (up to 64).';
  const patient = form.patient.trim();
  if (patient !== '' && !PATIENT.test(patient)) errors.patient = 'Starts with “pat-”, then 4 to 40 letters or digits.';
  const workstationId = form.workstationId.trim().toLowerCase();
  if (workstationId !== '' && !UUID.test(workstationId))
    errors.workstationId = 'Enter the whole ID: 36 characters, like 3f2a9c1e-0b7d-4c2e-9a51-6d0e8f4b2a17.';
  const conversationId = form.conversationId.trim().toLowerCase();
  if (conversationId !== '' && !UUID.test(conversationId))
    errors.conversationId = 'Enter the whole ID: 36 characters, like 3f2a9c1e-0b7d-4c2e-9a51-6d0e8f4b2a17.';
  const since = localMinute(form.from);
  if (since === undefined) errors.from = 'Enter a complete date and time, or leave it empty.';
  const toStart = localMinute(form.to);
  if (toStart === undefined) errors.to = 'Enter a complete date and time, or leave it empty.';
  const until = toStart === undefined || toStart === null ? toStart : toStart + MINUTE_MS;
  if (since !== undefined && since !== null && until !== undefined && until !== null && until <= since)
    errors.to = 'The end must not be before the start.';
  if (Object.keys(errors).length > 0 || since === undefined || until === undefined) return err(errors);
  return ok({
    userId: userId === '' ? null : userId,
    patient: patient === '' ? null : patient,
    workstationId: workstationId === '' ? null : workstationId,
    conversationId: conversationId === '' ? null : conversationId,
    action: form.action === '' ? null : form.action,
    since,
    until,
  });
}

/** Null for empty, undefined for a value that is not a local date and time. */
function localMinute(value: string): number | null | undefined {
  if (value.trim() === '') return null;
  if (!LOCAL_MINUTE.test(value.trim())) return undefined;
  // A date-time without an offset is local time (ECMA-262), as the datetime-local field means it.
  const at = new Date(value.trim()).getTime();
  return Number.isFinite(at) && at >= 0 ? at : undefined;
}

/** The first field with a problem, in the form's order (for focus). */
export function firstInvalid(errors: FilterErrors): FilterField | null {
  return FILTER_FIELDS.find((field) => errors[field] !== undefined) ?? null;
}
