import { useEffect, useId, useState } from 'react';
import { displayText } from '../../../../shared/text/display-text';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RefreshHead } from '../RefreshHead';
import { audienceText } from './template-form';
import type { TemplateKeeper } from './template-keeper';
import { TemplateEditor } from './TemplateEditor';
import { useAdminTemplates } from './use-admin-templates';
import '../../messaging/templates/templates.css';

/**
 * Templates: the approved messages staff send from compose with `/` or the Templates button, and
 * the only messages a role restricted by policy (`templatesOnlyRoles`) may send. Listed by name,
 * retired ones marked; one opened (or a new one) is edited below the list. Asked afresh each
 * time the section opens. IT's section (Administration) lists every template; a department
 * lead's (their Templates screen) only their department's, with the department fixed.
 */
export function TemplatesSection({
  keeper,
  department,
}: {
  readonly keeper: TemplateKeeper;
  /** A lead's department, or null for IT's section. */
  readonly department: string | null;
}) {
  const id = useId();
  const { templates, busy, error, refresh, setBusy } = useAdminTemplates(keeper);
  // The template open in the editor: its id, 'new', or none.
  const [open, setOpen] = useState<string | null>(null);
  // A new editor for each template opened; a new template saved stays in its editor, outcome and all.
  const [opened, setOpened] = useState(0);
  const openEditor = (which: string) => {
    setOpen(which);
    setOpened((count) => count + 1);
  };

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const editing = open === 'new' ? null : (templates?.find((template) => template.templateId === open) ?? null);
  return (
    <section className="templates-admin" aria-labelledby={`${id}-heading`}>
      <RefreshHead
        heading={
          <h2 id={`${id}-heading`} tabIndex={-1}>
            {department === null ? 'Templates' : `Templates for ${displayText(department)}`}
          </h2>
        }
        busy={busy ? 'first' : null}
        onRefresh={() => {
          setBusy(true);
          void refresh();
        }}
      >
        {department === null
          ? 'Approved messages staff send with a few keystrokes: / in an empty message, or the Templates button. Roles that policy restricts to templates can send nothing else.'
          : 'Approved messages the staff of your department send with a few keystrokes: / in an empty message, or the Templates button in compose. Templates IT keeps for everyone are not listed here.'}
      </RefreshHead>
      <ErrorAlert message={error} />
      <div className="button-row">
        <button type="button" className="button button-small button-primary" onClick={() => openEditor('new')}>
          New template
        </button>
      </div>
      {templates !== null && templates.length === 0 && (
        <p className="hint">{department === null ? 'No templates yet.' : 'No templates for your department yet.'}</p>
      )}
      {templates !== null && templates.length > 0 && (
        <table className="admin-table templates-table">
          <caption className="visually-hidden">Message templates</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">For</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {templates.map((template) => (
              <tr key={template.templateId} aria-current={template.templateId === open ? 'true' : undefined}>
                <th scope="row">{template.name}</th>
                <td>{audienceText(template.audience)}</td>
                <td>{template.retired ? 'Retired' : 'Offered'}</td>
                <td>
                  <button
                    type="button"
                    className="button button-small button-secondary"
                    aria-label={`Edit ${template.name}`}
                    onClick={() => openEditor(template.templateId)}
                  >
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== null && (
        <TemplateEditor
          key={opened}
          keeper={keeper}
          department={department}
          template={editing}
          onSaved={(saved) => {
            setOpen(saved.templateId);
            setBusy(true);
            void refresh();
          }}
          onClose={() => setOpen(null)}
        />
      )}
    </section>
  );
}
