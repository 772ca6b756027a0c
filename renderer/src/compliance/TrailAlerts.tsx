import { useId } from 'react';
import { alertLabel, localTime, utcTime } from './audit-labels';
import type { TrailAlert } from './audit-types';

/**
 * What the server noticed about the trail as workstations sent it (records missing, a forked
 * chain, a signature that did not verify), for the time and workstation searched. Listed only
 * when there is something to list.
 */
export function TrailAlerts({ alerts }: { readonly alerts: readonly TrailAlert[] }) {
  const id = useId();
  if (alerts.length === 0) return null;
  return (
    <section className="trail-alerts" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        {alerts.length === 1 ? '1 alert about the trail' : `${alerts.length.toLocaleString('en-GB')} alerts about the trail`}
      </h2>
      <ul>
        {alerts.map((alert, index) => (
          <li key={`${String(alert.at)}-${String(index)}`}>
            <strong>{alertLabel(alert.kind)}</strong>
            <span className="trail-alert-facts">
              <time dateTime={utcTime(alert.at)} title={`UTC ${utcTime(alert.at)}`}>
                {localTime(alert.at)}
              </time>
              <span>Workstation {alert.workstationId ?? 'unknown'}</span>
              <span>{alert.seq === null ? 'No sequence number' : `Sequence number ${String(alert.seq)}`}</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
