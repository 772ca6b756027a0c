import type { ConnectionState } from '../../../shared/ipc/contract';

const LABELS: Record<ConnectionState['state'], string> = {
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'Offline',
};

/** A short status in the header: a shape and a word, never colour alone. */
export function ConnectionStatus({ state }: { readonly state: ConnectionState['state'] }) {
  return (
    <span className="connection" data-state={state}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="visually-hidden">Connection: </span>
      {LABELS[state]}
    </span>
  );
}
