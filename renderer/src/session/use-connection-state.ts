/** The server connection as main reports it: asked once, then kept current by `connection.changed`. */
import { useEffect, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { ConnectionState } from '../../../shared/ipc/contract';

export function useConnectionState(bridge: WardlineApi): ConnectionState {
  const [state, setState] = useState<ConnectionState>({ state: 'connecting' });
  useEffect(() => {
    let current = true;
    let heard = false;
    const stop = bridge.events.subscribe('connection.changed', (next) => {
      heard = true;
      setState(next);
    });
    void bridge.connection.getState().then((result) => {
      // An event that arrived while we asked is newer than the answer.
      if (current && !heard && result.ok) setState(result.value);
    });
    return () => {
      current = false;
      stop();
    };
  }, [bridge]);
  return state;
}
