import { useRef } from 'react';
import { Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { displayText } from '../../../../shared/text/display-text';
import { ShownText } from '../../components/ShownText';
import { roleLabel } from '../../people/role-label';
import { ActionOutcomeView } from '../ActionOutcomeView';
import { counted } from '../admin-labels';
import type { RoleAddress } from '../admin-types';
import { ConfirmAction } from '../ConfirmAction';
import { useAdminAction } from '../use-admin-action';
import { MemberPicker } from './MemberPicker';

/**
 * Who answers a role address: its members (a deactivated one marked so), each removable behind a
 * confirmation, and a picker to add someone. After each change the address is asked for again; focus returns to the picker,
 * since a removed member's button is gone with its row.
 */
export function RoleAddressMembers({
  bridge,
  address,
  name,
  onChanged,
}: {
  readonly bridge: WardlineApi;
  readonly address: RoleAddress;
  /** The address's name through the display rule. */
  readonly name: string;
  readonly onChanged: () => Promise<void>;
}) {
  const { busy, outcome, run } = useAdminAction('member');
  const picker = useRef<HTMLDivElement>(null);
  const { addressId, members } = address;

  async function change(action: 'add' | 'remove', userId: string, person: string) {
    await run(
      action,
      () =>
        action === 'add'
          ? bridge.admin.addRoleMember({ addressId, userId })
          : bridge.admin.removeRoleMember({ addressId, userId }),
      ({ changed }) =>
        action === 'add'
          ? changed
            ? `${person} now answers ${name}.`
            : `${person} was already a member of ${name}.`
          : changed
            ? `${person} no longer answers ${name}.`
            : `${person} was not a member of ${name}.`,
    );
    await onChanged();
    picker.current?.querySelector('input')?.focus();
  }

  return (
    <>
      <h3>Members ({counted(members.length, 'person', 'people')})</h3>
      {/* Above the table, so what came of a change is in view on a 768-pixel screen. */}
      <div className="members-outcome">
        <ActionOutcomeView outcome={outcome} />
      </div>
      {members.length === 0 ? (
        <p className="admin-empty">No members yet: messages to this address reach nobody until you add someone.</p>
      ) : (
        <Table aria-label={`Members of ${name}`} className="admin-table sessions-table">
          <TableHeader>
            <Column isRowHeader>Name and user ID</Column>
            <Column>Role</Column>
            <Column>Remove</Column>
          </TableHeader>
          <TableBody items={members}>
            {(member) => {
              const memberName = displayText(member.displayName);
              return (
                <Row id={member.userId}>
                  <Cell>
                    <ShownText text={memberName} className="person-name" />
                    <span className="admin-code person-id">{member.userId}</span>
                    {!member.active && (
                      <span className="status-badge status-off" title="Cannot sign in until reactivated">
                        Deactivated
                      </span>
                    )}
                  </Cell>
                  <Cell className="person-role">{roleLabel(member.role)}</Cell>
                  <Cell>
                    <ConfirmAction
                      label="Remove"
                      accessibleLabel={`Remove ${memberName}`}
                      title={`Remove ${memberName} from ${name}?`}
                      confirmLabel="Remove member"
                      isDisabled={busy !== null}
                      onConfirm={() => void change('remove', member.userId, memberName)}
                    >
                      <p>
                        Messages sent to <ShownText text={name} /> from now on no longer reach{' '}
                        <ShownText text={memberName} />. What they have already received stays with them.
                      </p>
                      <p>This is recorded under your name.</p>
                    </ConfirmAction>
                  </Cell>
                </Row>
              );
            }}
          </TableBody>
        </Table>
      )}
      <div ref={picker}>
        <MemberPicker
          bridge={bridge}
          memberIds={new Set(members.map((member) => member.userId))}
          isDisabled={busy !== null}
          onChoose={(person) => void change('add', person.userId, displayText(person.displayName))}
        />
      </div>
    </>
  );
}
