/**
 * The New person form's rules, before anything is sent: the user ID in the form the server
 * takes (the shared `userId` schema, after the same lower-casing and trimming as sign-in), a
 * name, a role, and every name as it will be shown (the one display rule: no invisible or
 * control characters, runs of spaces collapsed), so the server's MALFORMED_REQUEST is not
 * what the admin meets. Pure; `identifiers.ts` holds string schemas only, so it builds no
 * object validator in the page (whose CSP forbids the compiled kind).
 */
import type { Role } from '../../../../shared/access/permission-matrix';
import type { RequestOf } from '../../../../shared/ipc/contract';
import { normalizeUserId, USER_ID_MAX, userId } from '../../../../shared/protocol/identifiers';
import { err, ok, type Result } from '../../../../shared/result';
import { displayText } from '../../../../shared/text/display-text';

/** In the form's order, which is the order a mistake takes focus in. */
export interface NewPersonForm {
  readonly userId: string;
  readonly displayName: string;
  readonly department: string;
  readonly title: string;
  readonly role: Role | null;
}

export const EMPTY_NEW_PERSON: NewPersonForm = { userId: '', displayName: '', department: '', title: '', role: null };

export type NewPersonField = keyof NewPersonForm;
export type NewPersonErrors = Partial<Record<NewPersonField, string>>;

/** Longest name, department or title the server keeps. */
export const SHOWN_TEXT_MAX = 200;
const tooLong = `At most ${String(SHOWN_TEXT_MAX)} characters.`;

/** What a user ID field holds is wrong with, or null if it is one. */
export function userIdProblem(typed: string): string | null {
  const id = normalizeUserId(typed);
  if (id === '') return 'Enter a user ID.';
  if (id.length > USER_ID_MAX) return `At most ${String(USER_ID_MAX)} characters.`;
  return userId.safeParse(id).success
    ? null
    : 'Use lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.';
}

/** The request to send, or what is wrong with each field (in the form's order). */
export function checkNewPerson(form: NewPersonForm): Result<RequestOf<'admin.createPerson'>, NewPersonErrors> {
  const errors: NewPersonErrors = {};
  const idProblem = userIdProblem(form.userId);
  if (idProblem !== null) errors.userId = idProblem;
  const displayName = displayText(form.displayName);
  const department = displayText(form.department);
  const title = displayText(form.title);
  if (displayName === '') errors.displayName = 'Enter their name as colleagues will see it.';
  else if (displayName.length > SHOWN_TEXT_MAX) errors.displayName = tooLong;
  if (department.length > SHOWN_TEXT_MAX) errors.department = tooLong;
  if (title.length > SHOWN_TEXT_MAX) errors.title = tooLong;
  if (form.role === null) errors.role = 'Choose a role.';
  if (Object.keys(errors).length > 0 || form.role === null) return err(errors);
  return ok({ userId: normalizeUserId(form.userId), displayName, role: form.role, department, title });
}
