import type { ConnectionState } from '../../../shared/ipc/contract';

/**
 * Said plainly across the top while the server cannot be reached. The status region is always
 * present so the change is announced when it appears and when it goes.
 */
export function OfflineNotice({ state }: { readonly state: ConnectionState['state'] }) {
  return (
    <div role="status" className={state === 'offline' ? 'offline-notice' : 'offline-notice-empty'}>
      {state === 'offline' ? 'Offline — messages will be sent when the connection returns' : null}
    </div>
  );
}
