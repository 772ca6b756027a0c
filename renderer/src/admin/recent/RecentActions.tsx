import { useEffect, useId } from 'react';
import { Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localTime, objectText, outcomeLabel, utcTime } from '../../compliance/audit-labels';
import { actionText } from '../admin-labels';
import { LoadMore } from '../LoadMore';
import { RefreshHead } from '../RefreshHead';
import { useRecentActions } from './use-recent-actions';

/**
 * Recent actions: what this admin did, newest first, as the server's audit trail holds it (the
 * record itself, not this view's memory). An action reaches the trail a moment after it is done,
 * so the section says so and offers Refresh. Asked afresh each time the section opens.
 */
export function RecentActions({ bridge }: { readonly bridge: WardlineApi }) {
  const id = useId();
  const { state, refresh, loadOlder } = useRecentActions(bridge);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const entries = state.items;
  return (
    <section className="recent-actions" aria-labelledby={`${id}-heading`}>
      <RefreshHead
        heading={<h2 id={`${id}-heading`}>Your recent actions</h2>}
        busy={state.busy}
        onRefresh={() => void refresh()}
      >
        Newest first, as the server’s audit trail records them. A new action may take a few seconds to appear here.
      </RefreshHead>
      <ErrorAlert message={state.error} />
      {entries !== null && (
        <Table aria-label="Your recent actions" className="admin-table recent-table">
          <TableHeader>
            <Column isRowHeader>Time</Column>
            <Column>Action</Column>
            <Column>About</Column>
            <Column>Outcome</Column>
            <Column>Trail no.</Column>
          </TableHeader>
          <TableBody
            items={entries}
            renderEmptyState={() => (
              <p className="admin-empty">
                No actions recorded yet. One you have just done may take a few seconds to appear.
              </p>
            )}
          >
            {(entry) => {
              const about = objectText(entry.object);
              return (
                <Row id={entry.treeIndex}>
                  <Cell className="admin-time">
                    <time dateTime={utcTime(entry.at)} title={`UTC ${utcTime(entry.at)}`}>
                      {localTime(entry.at)}
                    </time>
                  </Cell>
                  <Cell>{actionText(entry)}</Cell>
                  <Cell>
                    <span title={about.full ?? undefined}>{about.text}</span>
                  </Cell>
                  <Cell className={entry.outcome === 'failure' ? 'admin-failure' : 'admin-success'}>
                    {outcomeLabel(entry.outcome)}
                  </Cell>
                  <Cell className="admin-number">{entry.treeIndex}</Cell>
                </Row>
              );
            }}
          </TableBody>
        </Table>
      )}
      <LoadMore list={state} label="Load older" onPress={() => void loadOlder()} />
    </section>
  );
}
