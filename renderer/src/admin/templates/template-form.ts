/**
 * The template editor's form as data: what IT types, checked by the same template language the
 * server and main use, turned into the request the admin channel takes. Pure, so the words of
 * each mistake are tested without a browser.
 */
import type { Role } from '../../../../shared/access/permission-matrix';
import type { AdminTemplate } from '../../../../shared/protocol/template-api';
import { TEMPLATE_DEPARTMENTS_MAX, TEMPLATE_NAME_MAX } from '../../../../shared/protocol/template-api';
import { displayText } from '../../../../shared/text/display-text';
import { parseTemplate, templateProblemText } from '../../../../shared/text/templates/template-language';

export interface TemplateForm {
  readonly name: string;
  readonly body: string;
  readonly roles: readonly Role[];
  /** Departments as typed: separated by commas. */
  readonly departments: string;
}

export const EMPTY_TEMPLATE_FORM: TemplateForm = { name: '', body: '', roles: [], departments: '' };

export function formOf(template: AdminTemplate): TemplateForm {
  return {
    name: template.name,
    body: template.body,
    roles: template.audience.roles,
    departments: template.audience.departments.join(', '),
  };
}

export type TemplateFormErrors = Partial<Record<'name' | 'body' | 'departments', string>>;

export interface TemplateRequest {
  readonly name: string;
  readonly body: string;
  readonly audience: { readonly roles: Role[]; readonly departments: string[] };
}

/** The body's problem in IT's words, or null when it parses. */
export function bodyProblem(body: string): string | null {
  const parsed = parseTemplate(body);
  return parsed.ok ? null : templateProblemText(parsed.error);
}

/**
 * The form as a request, or what is wrong with it. `department`: a lead's own department, sent as
 * it is (one department, never split at a comma), whatever the departments field holds.
 */
export function checkTemplateForm(
  form: TemplateForm,
  department: string | null = null,
): { ok: true; request: TemplateRequest } | { ok: false; errors: TemplateFormErrors } {
  const errors: TemplateFormErrors = {};
  const name = displayText(form.name);
  if (name === '') errors.name = 'Give the template a name: it is what staff pick it by.';
  else if (name.length > TEMPLATE_NAME_MAX) errors.name = `At most ${String(TEMPLATE_NAME_MAX)} characters.`;
  const problem = bodyProblem(form.body);
  if (problem !== null) errors.body = problem;
  const departments =
    department !== null
      ? [department]
      : [
          ...new Set(
            form.departments
              .split(',')
              .map((typed) => displayText(typed))
              .filter((typed) => typed !== ''),
          ),
        ];
  if (departments.length > TEMPLATE_DEPARTMENTS_MAX)
    errors.departments = `At most ${String(TEMPLATE_DEPARTMENTS_MAX)} departments.`;
  else if (departments.some((department) => department.length > 200))
    errors.departments = 'A department has at most 200 characters.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, request: { name, body: form.body, audience: { roles: [...form.roles], departments } } };
}

const ROLE_WORDS: Readonly<Record<string, string>> = {
  nurse: 'Nurses',
  physician: 'Physicians',
  'front-desk': 'Front desk',
};

/** Who a template is for, as the list says it: "Front desk in Outpatients", "Everyone". */
export function audienceText(audience: AdminTemplate['audience']): string {
  const roles =
    audience.roles.length === 0 ? 'Everyone' : audience.roles.map((role) => ROLE_WORDS[role] ?? role).join(', ');
  return audience.departments.length === 0 ? roles : `${roles} in ${audience.departments.join(', ')}`;
}

export function roleWord(role: Role): string {
  return ROLE_WORDS[role] ?? role;
}
