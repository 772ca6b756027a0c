import { useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import { ErrorAlert } from '../components/ErrorAlert';
import { describeError } from '../error-messages';
import { localTime } from './audit-labels';
import type { AuditSearchFilter, ExportAnswer } from './audit-types';
import { count, verificationText } from './audit-verification';

/**
 * `Export selection`: every record the current search selects (all pages, not only those
 * loaded), verified by main and saved as a FHIR R4 Bundle in the workstation's exports folder.
 * The export is itself recorded in the trail. The file's name is shown, never its content.
 */
export function ExportSelection({
  bridge,
  filter,
}: {
  readonly bridge: WardlineApi;
  readonly filter: AuditSearchFilter;
}) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ExportAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function exportSelection() {
    setBusy(true);
    setError(null);
    setDone(null);
    const result = await bridge.audit.export({ filter });
    setBusy(false);
    if (result.ok) setDone(result.value);
    else setError(describeError(result.error));
  }

  const proof = done === null ? null : verificationText(done.verification, (at) => localTime(at));
  return (
    <div className="audit-export">
      <button
        type="button"
        className="button button-secondary"
        disabled={busy}
        aria-busy={busy}
        onClick={() => void exportSelection()}
      >
        {busy ? 'Exporting…' : 'Export selection'}
      </button>
      <div role="status" className={done === null ? 'audit-export-none' : 'audit-export-done'}>
        {done !== null && proof !== null && (
          <>
            Exported {count(done.records, 'record')} as a FHIR Bundle to{' '}
            <code className="audit-file">{done.fileName}</code> in this workstation’s exports folder.{' '}
            {proof.tone === 'broken'
              ? 'The export did not verify: treat it as suspect.'
              : 'It verified against the signed audit head.'}
          </>
        )}
      </div>
      <ErrorAlert message={error} />
    </div>
  );
}
