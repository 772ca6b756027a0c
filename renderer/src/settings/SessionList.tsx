import { useCallback, useEffect, useId, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { ResponseOf } from '../../../shared/ipc/contract';
import { ErrorAlert } from '../components/ErrorAlert';
import { ShownText } from '../components/ShownText';
import { describeError } from '../error-messages';

type Session = ResponseOf<'sessions.list'>['sessions'][number];

const when = (at: number) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Where else the user is signed in, and a way to end a session left open on another workstation. */
export function SessionList({ bridge }: { readonly bridge: WardlineApi }) {
  const id = useId();
  const [sessions, setSessions] = useState<readonly Session[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    const result = await bridge.sessions.list();
    if (result.ok) setSessions(result.value.sessions);
    else setError(describeError(result.error));
  }, [bridge]);
  useEffect(() => {
    let live = true;
    void bridge.sessions.list().then((result) => {
      if (!live) return;
      if (result.ok) setSessions(result.value.sessions);
      else setError(describeError(result.error));
    });
    return () => {
      live = false;
    };
  }, [bridge]);

  async function end(sessionId: string) {
    setBusy(sessionId);
    setError(null);
    const result = await bridge.sessions.end({ sessionId });
    setBusy(null);
    if (!result.ok) setError(describeError(result.error));
    await load();
  }

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Where you are signed in</h3>
      {sessions !== null && (
        <ul className="session-list">
          {sessions.map((session) => (
            <li key={session.sessionId} className="session-item">
              <span>
                <strong>
                  <ShownText text={session.deviceName} />
                </strong>
                {session.current && ' (this workstation)'}
                <br />
                <span className="hint">
                  Signed in {when(session.createdAt)} · last active {when(session.lastSeenAt)}
                </span>
              </span>
              {!session.current && (
                <button
                  type="button"
                  className="button button-secondary"
                  disabled={busy !== null}
                  onClick={() => void end(session.sessionId)}
                >
                  End session
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert message={error} />
    </section>
  );
}
