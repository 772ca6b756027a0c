import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import { roleHas } from '../../../shared/access/permission-matrix';
import type { AppInfo, SessionState } from '../../../shared/ipc/contract';
import { Announcer } from '../components/Announcer';
import { AdministrationScreen } from '../admin/AdministrationScreen';
import { ComplianceScreen } from '../compliance/ComplianceScreen';
import { AppFrame } from '../components/AppFrame';
import { OfflineNotice } from '../session/OfflineNotice';
import { SessionHeader } from '../session/SessionHeader';
import { AvailabilityControl } from '../availability/AvailabilityControl';
import { useConnectionState } from '../session/use-connection-state';
import { LockCountdown } from '../lock/LockCountdown';
import { PinOffer } from '../lock/PinOffer';
import { useActivityReporter } from '../lock/use-activity-reporter';
import { SettingsPanel } from '../settings/SettingsPanel';
import { MessageSearch } from '../messaging/search/MessageSearch';
import { DepartmentTemplatesScreen } from '../lead/DepartmentTemplatesScreen';
import { useLeadStatus } from '../lead/use-lead-status';
import type { SearchResult } from '../../../shared/ipc/search-channels';
import type { MessageReveal } from '../messaging/thread/message-reveal';
import { MessagingScreen } from './MessagingScreen';

type Unlocked = Extract<SessionState, { state: 'unlocked' }>;

/** Ctrl+Shift+L (Cmd+Shift+L): Ctrl+L alone belongs to the browser host's address bar. */
const isLockShortcut = (event: KeyboardEvent) =>
  (event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === 'l';

/**
 * Everything behind sign-in. Unmounting this (sign-out, lock) drops every message, label and
 * name from React state and the DOM.
 */
export function SignedInScreen({
  bridge,
  info,
  session,
  pinMinLength,
  onSessionChange,
}: {
  readonly bridge: WardlineApi;
  readonly info: AppInfo | null;
  readonly session: Unlocked;
  readonly pinMinLength: number;
  readonly onSessionChange: (state: SessionState) => void;
}) {
  const { user } = session;
  const connection = useConnectionState(bridge);
  const [view, setView] = useState<'messages' | 'settings' | 'templates'>('messages');
  const [pinDismissed, setPinDismissed] = useState(false);
  // The message a search result asked to see, counted so choosing the same one again shows it again.
  const [reveal, setReveal] = useState<MessageReveal | null>(null);
  const openResult = useCallback((result: SearchResult) => {
    setView('messages');
    setReveal((previous) => ({
      conversationId: result.conversationId,
      messageId: result.messageId,
      sentAt: result.sentAt,
      request: (previous?.request ?? 0) + 1,
    }));
  }, []);
  useActivityReporter(bridge);
  const offerPin = session.pin === 'offered' && !pinDismissed && view === 'messages';
  const offeredPin = useRef(offerPin);
  useEffect(() => {
    // The offer went (PIN set, or Not now) with focus in it: keep focus in the page, not on <body>.
    // After the dialog's own focus restore, which aims at the button that is gone.
    if (offeredPin.current && !offerPin && view === 'messages')
      requestAnimationFrame(() => document.getElementById('main')?.focus());
    offeredPin.current = offerPin;
  }, [offerPin, view]);
  const lock = useCallback(() => {
    void bridge.session.lock().then((result) => {
      if (result.ok) onSessionChange(result.value);
    });
  }, [bridge, onSessionChange]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isLockShortcut(event)) return;
      event.preventDefault();
      lock();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lock]);
  const signOut = useCallback(async () => {
    const result = await bridge.session.signOut();
    // Signed out either way for the person at the keyboard; main's event confirms it.
    onSessionChange(result.ok ? result.value : { state: 'signed-out' });
  }, [bridge, onSessionChange]);
  const canMessage = roleHas(user.role, 'messages.use');
  // A department lead keeps their department's templates: the server says who leads, not the page.
  const lead = useLeadStatus(bridge, canMessage);
  // Compliance officers read the audit trail; a role that can message keeps messaging as its view.
  const canAudit = !canMessage && roleHas(user.role, 'audit.read');
  // IT administrators manage people (and later role addresses and workstations).
  const canAdminister = !canMessage && !canAudit && roleHas(user.role, 'admin.manage');

  return (
    <AppFrame
      info={info}
      layout={canMessage || canAudit || canAdminister ? 'workspace' : 'centered'}
      banner={
        <SessionHeader
          displayName={user.displayName}
          role={user.role}
          connection={connection}
          onLock={lock}
          onSettings={() => {
            // A result chosen earlier is not shown again on the way back from Settings.
            setReveal(null);
            setView(view === 'settings' ? 'messages' : 'settings');
          }}
          onTemplates={
            lead.department === null
              ? undefined
              : () => {
                  setReveal(null);
                  if (view === 'templates') return setView('messages');
                  // Asked again on the way in: IT may have cleared the lead since (the entry then goes).
                  void lead.check().then((department) => {
                    if (department !== null) setView('templates');
                  });
                }
          }
          onSignOut={signOut}
          status={canMessage ? <AvailabilityControl bridge={bridge} selfId={user.userId} /> : null}
          search={canMessage ? <MessageSearch bridge={bridge} onOpenResult={openResult} /> : null}
        />
      }
    >
      <LockCountdown bridge={bridge} />
      <OfflineNotice state={connection.state} />
      {offerPin && (
        <PinOffer
          bridge={bridge}
          minLength={pinMinLength}
          onDone={onSessionChange}
          onDismiss={() => setPinDismissed(true)}
        />
      )}
      {view === 'settings' ? (
        <SettingsPanel
          bridge={bridge}
          pin={session.pin}
          onSessionChange={onSessionChange}
          onClose={() => {
            setReveal(null);
            setView('messages');
          }}
        />
      ) : view === 'templates' && lead.department !== null ? (
        <Announcer>
          <DepartmentTemplatesScreen bridge={bridge} department={lead.department} onClose={() => setView('messages')} />
        </Announcer>
      ) : canMessage ? (
        <Announcer>
          <MessagingScreen bridge={bridge} selfId={user.userId} reveal={reveal} />
        </Announcer>
      ) : canAudit ? (
        <Announcer>
          <ComplianceScreen bridge={bridge} />
        </Announcer>
      ) : canAdminister ? (
        <Announcer>
          <AdministrationScreen bridge={bridge} selfId={user.userId} />
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
