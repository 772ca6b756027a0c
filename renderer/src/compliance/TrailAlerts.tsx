import { useId } from 'react';
import { alertLabel, alertPlace, localTime, utcTime } from './audit-labels';
import type { TrailAlert } from './audit-types';

/**
 * What the server noticed about the trail as workstations sent it (records missing, a forked
 * chain, a signature that did not verify), for the time and workstation searched. Listed only
 * when there is something to list. Said apart from the verification above it: the records shown
 * can be proven and still have neighbours that never arrived.
 */
export function TrailAlerts({ alerts }: { readonly alerts: readonly TrailAlert[] }) {
  const id = useId();
  if (alerts.length === 0) return null;
  return (
    <section className="trail-alerts" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        {alerts.length === 1
          ? '1 alert about the trail'
          : `${alerts.length.toLocaleString('en-GB')} alerts about the trail`}
      </h2>
      <p className="trail-alerts-intro">
        Problems the server found when workstations sent their records. The verification above covers only the records
        listed, not what never arrived.
      </p>
      <ul>
        {alerts.map((alert, index) => (
          <li key={`${String(alert.at)}-${String(index)}`}>
            <strong>{alertLabel(alert.kind)}</strong>
            <span className="trail-alert-facts">
              <span>
                Noticed{' '}
                <time dateTime={utcTime(alert.at)} title={`UTC ${utcTime(alert.at)}`}>
                  {localTime(alert.at)}
                </time>
              </span>
              <span>Workstation {alert.workstationId ?? 'unknown'}</span>
              <span>{alertPlace(alert.kind, alert.seq)}</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
