import { useCallback } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import { roleHas } from '../../../shared/access/permission-matrix';
import type { AppInfo, SessionState } from '../../../shared/ipc/contract';
import { Announcer } from '../components/Announcer';
import { AppFrame } from '../components/AppFrame';
import { OfflineNotice } from '../session/OfflineNotice';
import { SessionHeader } from '../session/SessionHeader';
import { useConnectionState } from '../session/use-connection-state';
import { MessagingScreen } from './MessagingScreen';

type SignedInUser = Extract<SessionState, { state: 'unlocked' }>['user'];

/**
 * Everything behind sign-in. Unmounting this (sign-out, lock) drops every message, label and
 * name from React state and the DOM.
 */
export function SignedInScreen({
  bridge,
  info,
  user,
  onSessionChange,
}: {
  readonly bridge: WardlineApi;
  readonly info: AppInfo | null;
  readonly user: SignedInUser;
  readonly onSessionChange: (state: SessionState) => void;
}) {
  const connection = useConnectionState(bridge);
  const signOut = useCallback(async () => {
    const result = await bridge.session.signOut();
    // Signed out either way for the person at the keyboard; main's event confirms it.
    onSessionChange(result.ok ? result.value : { state: 'signed-out' });
  }, [bridge, onSessionChange]);
  const canMessage = roleHas(user.role, 'messages.use');

  return (
    <AppFrame
      info={info}
      layout={canMessage ? 'workspace' : 'centered'}
      banner={<SessionHeader displayName={user.displayName} role={user.role} connection={connection} onSignOut={signOut} />}
    >
      <OfflineNotice state={connection} />
      {canMessage ? (
        <Announcer>
          <MessagingScreen bridge={bridge} selfId={user.userId} />
        </Announcer>
      ) : (
        <section className="card" aria-labelledby="no-messaging-heading">
          <h1 id="no-messaging-heading">Messaging is not part of your role</h1>
          <p>Your account is set up for administration or audit work. Use the tools your role provides.</p>
        </section>
      )}
    </AppFrame>
  );
}
