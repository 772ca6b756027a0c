import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import { ErrorAlert } from '../components/ErrorAlert';
import { useAnnounce } from '../components/use-announce';
import { AuditFilterForm } from './AuditFilterForm';
import { AuditResultsTable } from './AuditResultsTable';
import type { AuditSearchFilter } from './audit-types';
import { combineVerification, count } from './audit-verification';
import { ExportSelection } from './ExportSelection';
import { MessageHolds } from './MessageHolds';
import { TrailAlerts } from './TrailAlerts';
import { useAuditSearch } from './use-audit-search';
import { VerificationStatus } from './VerificationStatus';
import './compliance.css';

/**
 * The compliance officer's view of the audit trail: a filter, whether what came back is proven
 * (verified against the server's signed tree head, or broken, with each problem), the server's
 * alerts about the trail, the records (a page at a time), and an export of the selection.
 * Every search and export is itself recorded by main. Nothing here goes to the title or a log.
 */
export function ComplianceScreen({ bridge }: { readonly bridge: WardlineApi }) {
  const id = useId();
  const announce = useAnnounce();
  const { state, verifications, alerts, search, loadMore } = useAuditSearch(bridge);
  const rows = state.items ?? [];
  // Bumped per completed search, so the export's message belongs to the search it exported.
  const [searches, setSearches] = useState(0);
  const table = useRef<HTMLTableElement>(null);
  // After `Load more`: the first new row takes focus (the button may be gone).
  const focusRow = useRef<number | null>(null);

  const verification = useMemo(() => combineVerification(verifications), [verifications]);
  const unverified = useMemo(
    () => new Set(verification?.problems.flatMap((p) => (p.treeIndex === null ? [] : [p.treeIndex])) ?? []),
    [verification],
  );

  useEffect(() => {
    const index = focusRow.current;
    if (index === null) return;
    focusRow.current = null;
    const row = table.current?.tBodies[0]?.rows[index];
    // Nothing new after all (and `Load more` gone): the table's box keeps focus in the results.
    if (row === undefined) table.current?.parentElement?.focus();
    else row.focus();
  }, [state.items]);

  async function runSearch(filter: AuditSearchFilter) {
    const found = await search(filter);
    if (found === null) return;
    setSearches((n) => n + 1);
    // Said once per search: how much was found, and whether the server flagged the trail.
    const alerts = found.alerts === 0 ? '' : ` ${count(found.alerts, 'alert')} about the trail.`;
    announce(`${count(found.records, 'record')} found${found.more ? ', more to load' : ''}.${alerts}`);
  }

  async function more() {
    // Set before the rows arrive: the effect that focuses runs when they do.
    focusRow.current = rows.length;
    const added = await loadMore();
    if (added === 0) {
      focusRow.current = null;
      return;
    }
    announce(`${count(added, 'more record')} loaded.`);
  }

  const filter = state.query;
  return (
    <section className="compliance" aria-labelledby={`${id}-heading`}>
      <div className="compliance-head">
        <h1 id={`${id}-heading`}>Audit trail</h1>
        <p className="hint">
          Records hold IDs and codes only. Empty fields match everything. Your searches and exports are recorded too.
        </p>
      </div>
      <AuditFilterForm busy={state.busy === 'first'} onSearch={(next) => void runSearch(next)} />
      <ErrorAlert message={state.error} />
      <VerificationStatus verification={verification} />
      <TrailAlerts alerts={alerts} />
      {filter !== null && (
        <section className="audit-results" aria-labelledby={`${id}-results`}>
          <div className="audit-results-head">
            <h2 id={`${id}-results`}>Records</h2>
            {/* `Export selection` (the `audit.export` channel): the whole selection, verified, as a FHIR Bundle. */}
            {rows.length > 0 && <ExportSelection key={searches} bridge={bridge} filter={filter} />}
          </div>
          {rows.length === 0 ? (
            <p className="audit-empty">No records match this search.</p>
          ) : (
            <AuditResultsTable rows={rows} more={state.more} unverified={unverified} tableRef={table} />
          )}
          {state.more && (
            <div className="button-row audit-more">
              <button
                type="button"
                className="button button-secondary"
                disabled={state.busy !== null}
                aria-busy={state.busy === 'more'}
                onClick={() => void more()}
              >
                {state.busy === 'more' ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </section>
      )}
      <MessageHolds bridge={bridge} />
    </section>
  );
}
