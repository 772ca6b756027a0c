import { useState, type ReactNode } from 'react';
import type { ConnectionState } from '../../../shared/ipc/contract';
import { ShownText } from '../components/ShownText';
import { roleLabel } from '../people/role-label';
import type { Role } from '../../../shared/access/permission-matrix';
import { ConnectionStatus } from './ConnectionStatus';
import './session.css';

/**
 * The signed-in part of the banner: search, who is signed in, their status, the connection,
 * Templates (for a department lead), Settings, Lock and Sign out.
 */
export function SessionHeader({
  displayName,
  role,
  connection,
  onLock,
  onSettings,
  onTemplates,
  onSignOut,
  status,
  search,
}: {
  readonly displayName: string;
  readonly role: Role;
  readonly connection: ConnectionState;
  readonly onLock: () => void;
  readonly onSettings: () => void;
  /** A department lead's own templates (DepartmentTemplatesScreen); absent for everyone else. */
  readonly onTemplates?: (() => void) | undefined;
  readonly onSignOut: () => Promise<void>;
  /** The availability control, for roles that message (AvailabilityControl). */
  readonly status?: ReactNode;
  /** Message search, for roles that message (MessageSearch). */
  readonly search?: ReactNode;
}) {
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    await onSignOut();
    setBusy(false);
  }

  return (
    <div className={onTemplates === undefined ? 'session-header' : 'session-header session-header-lead'}>
      {search}
      <ConnectionStatus connection={connection} />
      <span className="who">
        <ShownText text={displayName} className="who-name" />
        <span className="who-role">{roleLabel(role)}</span>
      </span>
      {status}
      {onTemplates !== undefined && (
        <button type="button" className="button button-on-dark" onClick={onTemplates}>
          Templates
        </button>
      )}
      <button type="button" className="button button-on-dark" onClick={onSettings}>
        Settings
      </button>
      <button
        type="button"
        className="button button-on-dark"
        aria-keyshortcuts="Control+Shift+L"
        title="Lock (Ctrl+Shift+L)"
        onClick={onLock}
      >
        Lock
      </button>
      <button type="button" className="button button-on-dark" disabled={busy} onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  );
}
