import { useId, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { receivesMessages } from '../../../../shared/access/permission-matrix';
import { displayText } from '../../../../shared/text/display-text';
import type { Person } from '../admin-types';
import type { PersonAct } from './PersonCredentialActions';

/**
 * "Department lead" on a person's panel: a lead keeps the approved templates for the department
 * on their account, from a Templates screen of their own. Only someone with a department and a
 * role that sends messages can be one; for anyone else the box is shown off and disabled, and
 * says why. Ticking or clearing it is IT's action on the server's trail like every other here;
 * the server decides again at each of the lead's requests, so clearing it takes effect at once.
 */
export function DepartmentLeadSwitch({
  bridge,
  person,
  name,
  busy,
  act,
}: {
  readonly bridge: WardlineApi;
  readonly person: Person;
  /** The person's name through the display rule. */
  readonly name: string;
  readonly busy: boolean;
  readonly act: PersonAct;
}) {
  const id = useId();
  const department = displayText(person.department);
  const eligible = department !== '' && receivesMessages(person.role);
  const { userId } = person;
  // What IT just chose, shown until the server's answer about the person comes back.
  const [chosen, setChosen] = useState<boolean | null>(null);
  return (
    <div className="field field-checkbox person-lead">
      <input
        id={`${id}-lead`}
        type="checkbox"
        checked={eligible && (chosen ?? person.departmentLead)}
        disabled={!eligible || busy}
        aria-describedby={`${id}-lead-hint`}
        onChange={(event) => {
          const lead = event.target.checked;
          setChosen(lead);
          void act(
            'lead',
            () => bridge.admin.setDepartmentLead({ userId, lead }),
            () =>
              lead
                ? `${name} now leads ${department} and keeps its templates.`
                : `${name} no longer leads ${department}.`,
          ).finally(() => setChosen(null));
        }}
      />
      <label htmlFor={`${id}-lead`}>Department lead</label>
      <span id={`${id}-lead-hint`} className="field-hint">
        {eligible
          ? `Keeps the approved templates for ${department}.`
          : 'Only someone with a department and a role that sends messages can lead one.'}
      </span>
    </div>
  );
}
