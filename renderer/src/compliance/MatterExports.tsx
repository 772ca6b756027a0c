import { useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { MessageHold } from '../../../shared/protocol/message-hold-api';
import { ErrorAlert } from '../components/ErrorAlert';
import { useAnnounce } from '../components/use-announce';
import { describeError } from '../error-messages';
import { count } from './audit-verification';

interface Exported {
  readonly matter: string;
  readonly folderName: string;
  readonly messages: number;
  readonly attachments: number;
}

/**
 * Each matter with a hold in force, and its eDiscovery export: main writes the held messages as
 * a ciphertext package in this workstation's exports folder, proven against the server's signed
 * audit trail, for `npm run archive:open` with the archive key. Only the folder's name is shown.
 */
export function MatterExports({
  bridge,
  holds,
}: {
  readonly bridge: WardlineApi;
  readonly holds: readonly MessageHold[];
}) {
  const announce = useAnnounce();
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<Exported | null>(null);
  const [error, setError] = useState<string | null>(null);
  const matters = [
    ...new Map(holds.map((hold) => [hold.matter, holds.filter((each) => each.matter === hold.matter).length])),
  ];

  async function exportMatter(matter: string) {
    setBusy(matter);
    setError(null);
    setDone(null);
    const result = await bridge.holds.exportMatter({ matter });
    setBusy(null);
    if (!result.ok) {
      setError(describeError(result.error));
      return;
    }
    setDone({ matter, ...result.value });
    announce(`Exported ${count(result.value.messages, 'message')} for ${matter}.`);
  }

  if (matters.length === 0) return null;
  return (
    <div className="matter-exports">
      <h3>Export a matter</h3>
      <p className="hint">
        Writes the matter’s held messages, still encrypted, to your exports folder, proven against the server’s signed
        audit trail. The compliance team opens it offline with the archive key (npm run archive:open).
      </p>
      <ul className="matter-list">
        {matters.map(([matter, holdCount]) => (
          <li key={matter}>
            <span className="matter-name">{matter}</span>
            <span className="hint">{count(holdCount, 'hold')}</span>
            <button
              type="button"
              className="button button-secondary"
              disabled={busy !== null}
              aria-busy={busy === matter}
              aria-label={`Export the matter ${matter}`}
              onClick={() => void exportMatter(matter)}
            >
              {busy === matter ? 'Exporting…' : 'Export package'}
            </button>
          </li>
        ))}
      </ul>
      <ErrorAlert message={error} />
      {done !== null && (
        <p role="status" className="matter-exported">
          Exported {count(done.messages, 'message')} and {count(done.attachments, 'attachment')} for {done.matter} as{' '}
          <code>{done.folderName}</code> in your exports folder.
        </p>
      )}
    </div>
  );
}
