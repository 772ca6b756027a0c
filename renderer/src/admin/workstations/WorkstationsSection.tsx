import { useEffect, useId, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAnnounce } from '../../components/use-announce';
import { useNow } from '../../messaging/use-now';
import { counted } from '../admin-labels';
import { LoadMore } from '../LoadMore';
import { RefreshHead } from '../RefreshHead';
import { useWorkstations } from './use-workstations';
import { WorkstationDetail } from './WorkstationDetail';
import { WorkstationsTable } from './WorkstationsTable';

/**
 * Workstations: every registered one, most recently heard from first, with who signed in there
 * last, its app version and whether it is revoked; one opened from the table shows below it, with
 * Wipe, Revoke and the wipes IT has asked of it. Asked afresh each time the section opens.
 */
export function WorkstationsSection({ bridge }: { readonly bridge: WardlineApi }) {
  const id = useId();
  const announce = useAnnounce();
  const now = useNow();
  const { state, refresh, loadMore } = useWorkstations(bridge);
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function more() {
    const added = await loadMore();
    if (added > 0) announce(`${counted(added, 'more workstation', 'more workstations')} loaded.`);
  }

  const workstations = state.items;
  const workstation = workstations?.find((row) => row.deviceId === selected) ?? null;
  return (
    <section className="workstations" aria-labelledby={`${id}-heading`}>
      <RefreshHead
        heading={
          <h2 id={`${id}-heading`} tabIndex={-1}>
            Workstations
          </h2>
        }
        busy={state.busy}
        onRefresh={() => void refresh()}
      >
        Every workstation that has signed someone in, the most recently heard from first. Open one to wipe it, revoke
        it, or follow a wipe. Revoking ends its sessions and stops it signing anyone in; wiping erases what it stores.
      </RefreshHead>
      <ErrorAlert message={state.error} />
      {workstations !== null && (
        <WorkstationsTable workstations={workstations} selected={selected} onSelect={setSelected} now={now} />
      )}
      <LoadMore list={state} onPress={() => void more()} />
      {workstations !== null && workstations.length > 0 && workstation === null && (
        <p className="person-placeholder">Choose a workstation in the table to wipe it, revoke it or follow a wipe.</p>
      )}
      {workstation !== null && (
        <WorkstationDetail key={workstation.deviceId} bridge={bridge} workstation={workstation} onChanged={refresh} />
      )}
    </section>
  );
}
