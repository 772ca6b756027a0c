import { useId } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import { displayText } from '../../../shared/text/display-text';
import { TemplatesSection } from '../admin/templates/TemplatesSection';
import '../admin/admin.css';
import '../admin/admin-forms.css';
import './lead.css';

/**
 * A department lead's Templates screen, opened from the banner: the Administration view's
 * Templates section and editor, on the lead's own channels (`bridge.lead`), listing only their
 * department's templates and with the department fixed to theirs. Every change is on the
 * server's audit trail under the lead's name, as IT's are.
 */
export function DepartmentTemplatesScreen({
  bridge,
  department,
  onClose,
}: {
  readonly bridge: WardlineApi;
  readonly department: string;
  readonly onClose: () => void;
}) {
  const id = useId();
  return (
    <section className="admin lead-templates" aria-labelledby={`${id}-heading`}>
      <div className="admin-head lead-templates-head">
        <div>
          <h1 id={`${id}-heading`}>Department templates</h1>
          <p className="hint">
            As lead of {displayText(department)} you keep its approved templates. Every change is recorded in the audit
            trail under your name.
          </p>
        </div>
        <button type="button" className="button button-secondary" onClick={onClose}>
          Back to messages
        </button>
      </div>
      <TemplatesSection keeper={bridge.lead} department={department} />
    </section>
  );
}
