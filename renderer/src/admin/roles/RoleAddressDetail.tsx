import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { displayText } from '../../../../shared/text/display-text';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ShownText } from '../../components/ShownText';
import { describeAdminError } from '../admin-labels';
import type { RoleAddress, RoleAddressSummary } from '../admin-types';
import { RoleAddressDetails } from './RoleAddressDetails';
import { RoleAddressEscalation } from './RoleAddressEscalation';
import { RoleAddressMembers } from './RoleAddressMembers';
import { RoleAddressRetention } from './RoleAddressRetention';
import { RoleAddressSchedule } from './RoleAddressSchedule';

/** A role address as its row in the table shows it. */
export function summaryOf(address: RoleAddress): RoleAddressSummary {
  const { addressId, displayName, department, description, members } = address;
  return { addressId, displayName, department, description, memberCount: members.length };
}

/**
 * One role address, opened from the table: who answers it (members to add and remove), who of
 * them is on call when (the schedule), how its unacknowledged STAT messages escalate, how long
 * the server keeps its messages, then what senders see of it (editable). It is asked for again after every change, so what is shown is
 * what the server holds, and its row in the table follows.
 */
export function RoleAddressDetail({
  bridge,
  addressId,
  onChanged,
}: {
  readonly bridge: WardlineApi;
  readonly addressId: string;
  readonly onChanged: (summary: RoleAddressSummary) => void;
}) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [address, setAddress] = useState<RoleAddress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const load = useCallback(async () => {
    const result = await bridge.admin.getRoleAddress({ addressId });
    if (!live.current) return;
    if (result.ok) {
      setAddress(result.value.roleAddress);
      setError(null);
      onChanged(summaryOf(result.value.roleAddress));
    } else setError(describeAdminError(result.error, 'role-address'));
  }, [bridge, addressId, onChanged]);

  // The first answer; after a change, `load` asks again.
  useEffect(() => {
    let current = true;
    void bridge.admin.getRoleAddress({ addressId }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setAddress(result.value.roleAddress);
        onChanged(summaryOf(result.value.roleAddress));
      } else setError(describeAdminError(result.error, 'role-address'));
    });
    return () => {
      current = false;
    };
  }, [bridge, addressId, onChanged]);

  if (address === null)
    return (
      <section className="person-detail" aria-label={`Role address ${addressId}`}>
        <ErrorAlert message={error} />
        {error === null && <p className="admin-empty">Loading {addressId}…</p>}
      </section>
    );

  const name = displayText(address.displayName);
  return (
    <section className="person-detail" aria-labelledby={`${id}-name`}>
      <div className="person-head">
        <h2 id={`${id}-name`} ref={heading} tabIndex={-1}>
          <ShownText text={name} />
        </h2>
        <span className="admin-code person-id">{address.addressId}</span>
      </div>
      <ErrorAlert message={error} />
      <RoleAddressMembers bridge={bridge} address={address} name={name} onChanged={load} />
      {/* Asked for afresh when the members change: a member who leaves takes their shifts along. */}
      <RoleAddressSchedule
        key={address.members.map((member) => member.userId).join(' ')}
        bridge={bridge}
        address={address}
        name={name}
      />
      <RoleAddressEscalation bridge={bridge} address={address} name={name} onSaved={load} />
      <RoleAddressRetention bridge={bridge} address={address} name={name} onSaved={load} />
      <RoleAddressDetails bridge={bridge} address={address} onSaved={load} />
    </section>
  );
}
