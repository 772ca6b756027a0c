import type { ConnectionState } from '../../../shared/ipc/contract';

const LABELS: Record<ConnectionState['state'], string> = {
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'Offline',
};

const count = new Intl.NumberFormat('en-US');

/**
 * A short status in the header: a shape and a word, never colour alone. Back after time away,
 * it says how far the catch-up has come (counts of updates, never what they are) while the inbox
 * fills and stays usable.
 */
export function ConnectionStatus({ connection }: { readonly connection: ConnectionState }) {
  const { state, catchUp } = connection;
  if (state === 'connecting' && catchUp !== undefined)
    return (
      <span className="connection connection-catching-up" data-state={state}>
        <span className="visually-hidden">Connection: </span>
        Catching up… {count.format(catchUp.stored)} of {count.format(catchUp.total)}
        <progress
          className="connection-progress"
          aria-label="Updates received while away"
          value={catchUp.stored}
          max={catchUp.total}
        />
      </span>
    );
  return (
    <span className="connection" data-state={state}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="visually-hidden">Connection: </span>
      {LABELS[state]}
    </span>
  );
}
