import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import type { Role } from '../../../../shared/access/permission-matrix';
import { TEMPLATE_ROLES, type AdminTemplate } from '../../../../shared/protocol/template-api';
import { parseTemplate, previewTemplate, TEMPLATE_BODY_MAX } from '../../../../shared/text/templates/template-language';
import { ActionOutcomeView } from '../ActionOutcomeView';
import { useAdminAction } from '../use-admin-action';
import type { TemplateKeeper } from './template-keeper';
import {
  checkTemplateForm,
  EMPTY_TEMPLATE_FORM,
  formOf,
  roleWord,
  type TemplateForm,
  type TemplateFormErrors,
} from './template-form';

/**
 * A template to create or change: its name, its text in the template language (the preview and
 * any mistake shown as it is typed), and who it is for. Saving names the version it was opened
 * at, so a change someone else made meanwhile is refused and said, never overwritten. An open
 * template can be retired (no longer offered) or brought back. A department lead's editor has
 * the department fixed to theirs (the server refuses any other anyway).
 */
export function TemplateEditor({
  keeper,
  department,
  template,
  onSaved,
  onClose,
}: {
  readonly keeper: TemplateKeeper;
  /** The one department every template here is for (a lead's), or null: typed freely (IT's). */
  readonly department: string | null;
  /** Null: a new template. */
  readonly template: AdminTemplate | null;
  readonly onSaved: (template: AdminTemplate) => void;
  readonly onClose: () => void;
}) {
  const id = useId();
  // The version this editor started from (and its own saves since): a refresh of the list
  // meanwhile must not make a save overwrite someone else's change unseen.
  const [base, setBase] = useState(template);
  const [form, setForm] = useState<TemplateForm>(template === null ? EMPTY_TEMPLATE_FORM : formOf(template));
  const [errors, setErrors] = useState<TemplateFormErrors>({});
  const action = useAdminAction('template');
  // What came of a save or retire is said under the buttons: brought into view on a short screen.
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (action.outcome !== null) outcome.current?.scrollIntoView({ block: 'nearest' });
  }, [action.outcome]);
  const parsed = parseTemplate(form.body);
  const change = (patch: Partial<TemplateForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    setErrors((current) => ({ ...current, ...Object.fromEntries(Object.keys(patch).map((key) => [key, undefined])) }));
  };

  async function save(event: SubmitEvent) {
    event.preventDefault();
    const checked = checkTemplateForm(form, department);
    if (!checked.ok) {
      setErrors(checked.errors);
      const first = (['name', 'body', 'departments'] as const).find((key) => checked.errors[key] !== undefined);
      if (first !== undefined) document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    const saved = await action.run(
      'save',
      () =>
        base === null
          ? keeper.createTemplate(checked.request)
          : keeper.updateTemplate({
              templateId: base.templateId,
              version: base.version,
              ...checked.request,
            }),
      (value) => `Saved “${value.template.name}”. Staff are offered it from their next template list.`,
    );
    if (saved !== null) {
      setBase(saved.value.template);
      onSaved(saved.value.template);
    }
  }

  async function setRetired(retired: boolean) {
    if (base === null) return;
    const saved = await action.run(
      retired ? 'retire' : 'restore',
      () =>
        keeper.setTemplateRetired({
          templateId: base.templateId,
          version: base.version,
          retired,
        }),
      (value) => (retired ? `Retired “${value.template.name}”.` : `Brought back “${value.template.name}”.`),
    );
    if (saved !== null) {
      setBase(saved.value.template);
      onSaved(saved.value.template);
    }
  }

  const described = (key: keyof TemplateFormErrors, hint: string | null) =>
    [hint, errors[key] === undefined ? null : `${id}-${key}-error`].filter((part) => part !== null).join(' ') ||
    undefined;

  return (
    <section className="template-editor" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{base === null ? 'New template' : `Edit “${base.name}”`}</h3>
      <form onSubmit={(event) => void save(event)} noValidate className="admin-form">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            value={form.name}
            maxLength={120}
            aria-invalid={errors.name !== undefined}
            aria-describedby={described('name', null)}
            onChange={(event) => change({ name: event.target.value })}
          />
          {errors.name !== undefined && (
            <span id={`${id}-name-error`} className="field-error">
              {errors.name}
            </span>
          )}
        </div>
        <div className="field field-span">
          <label htmlFor={`${id}-body`}>Text</label>
          <span id={`${id}-body-hint`} className="field-hint">
            Fields in braces: {'{bed:number}'}, {'{time:time}'}, {'{desk:choice:Main desk|East entrance}'},{' '}
            {'{note:text:40}'}. Write {'{{'} and {'}}'} for a brace.
          </span>
          <textarea
            id={`${id}-body`}
            rows={4}
            value={form.body}
            maxLength={TEMPLATE_BODY_MAX + 100}
            aria-invalid={errors.body !== undefined}
            aria-describedby={described('body', `${id}-body-hint`)}
            onChange={(event) => change({ body: event.target.value })}
          />
          {errors.body !== undefined && (
            <span id={`${id}-body-error`} className="field-error">
              {errors.body}
            </span>
          )}
          <p className="template-admin-preview">
            <span className="template-preview-label">Preview: </span>
            <output aria-live="polite">
              {parsed.ok ? previewTemplate(parsed.value) : form.body.trim() === '' ? '—' : 'not yet valid'}
            </output>
          </p>
        </div>
        <fieldset className="template-roles">
          <legend>For roles</legend>
          <span className="field-hint">None ticked: every role that sends messages.</span>
          {TEMPLATE_ROLES.map((role: Role) => (
            <label key={role} className="checkbox">
              <input
                type="checkbox"
                checked={form.roles.includes(role)}
                onChange={(event) =>
                  change({
                    roles: event.target.checked ? [...form.roles, role] : form.roles.filter((held) => held !== role),
                  })
                }
              />{' '}
              {roleWord(role)}
            </label>
          ))}
        </fieldset>
        {department === null ? (
          <div className="field field-span">
            <label htmlFor={`${id}-departments`}>
              For departments <span className="optional">(optional)</span>
            </label>
            <span id={`${id}-departments-hint`} className="field-hint">
              As the directory spells them, separated by commas. Empty: every department.
            </span>
            <input
              id={`${id}-departments`}
              value={form.departments}
              maxLength={2000}
              aria-invalid={errors.departments !== undefined}
              aria-describedby={described('departments', `${id}-departments-hint`)}
              onChange={(event) => change({ departments: event.target.value })}
            />
            {errors.departments !== undefined && (
              <span id={`${id}-departments-error`} className="field-error">
                {errors.departments}
              </span>
            )}
          </div>
        ) : (
          <div className="field field-span">
            <label htmlFor={`${id}-departments`}>For department</label>
            <span id={`${id}-departments-hint`} className="field-hint">
              Yours: as its lead, you keep the templates for your department only.
            </span>
            <input id={`${id}-departments`} value={department} readOnly aria-describedby={`${id}-departments-hint`} />
          </div>
        )}
        <div className="button-row field-span">
          <button type="submit" className="button button-small button-primary" disabled={action.busy !== null}>
            {action.busy === 'save' ? 'Saving…' : base === null ? 'Create template' : 'Save changes'}
          </button>
          {base !== null && (
            <button
              type="button"
              className="button button-small button-secondary"
              disabled={action.busy !== null}
              onClick={() => void setRetired(!base.retired)}
            >
              {base.retired ? 'Bring back' : 'Retire'}
            </button>
          )}
          <button type="button" className="button button-small button-secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
      <div ref={outcome}>
        <ActionOutcomeView outcome={action.outcome} />
      </div>
    </section>
  );
}
