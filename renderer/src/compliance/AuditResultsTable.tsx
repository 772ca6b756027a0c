import type { Ref } from 'react';
import { roleLabel } from '../people/role-label';
import { actionLabel, localTime, objectText, outcomeLabel, shortId, utcTime } from './audit-labels';
import type { AuditRow } from './audit-types';

/**
 * The records found, oldest first, as a real table (caption, column headers, a row header per
 * record). Times are local with UTC in the tooltip; long ids are shortened with the whole id in
 * the tooltip. Rows that failed verification say so in their first cell. Each row also carries the
 * workstation's own record number, so a trail alert's place can be found. Records carry ids and
 * codes only, never names or message text.
 */
export function AuditResultsTable({
  rows,
  more,
  unverified,
  tableRef,
}: {
  readonly rows: readonly AuditRow[];
  readonly more: boolean;
  /** Tree indexes that failed verification. */
  readonly unverified: ReadonlySet<number>;
  readonly tableRef: Ref<HTMLTableElement>;
}) {
  const shown = rows.length === 1 ? '1 record' : `${rows.length.toLocaleString('en-GB')} records`;
  return (
    // Wide tables scroll sideways inside their own box, which keyboard users can focus to scroll.
    <div className="audit-table-scroll" role="region" aria-label="Audit records" tabIndex={0}>
      <table ref={tableRef} className="audit-table">
        <caption>
          {shown}, oldest first{more ? ' (more to load)' : ''}. Times are this workstation’s local time; hover a time
          for UTC.
        </caption>
        <thead>
          <tr>
            {/* The record's place in the server's whole trail, told apart from the workstation's own number. */}
            <th scope="col">Trail no.</th>
            <th scope="col">Time</th>
            <th scope="col">User</th>
            <th scope="col">Role</th>
            <th scope="col">Action</th>
            <th scope="col">Object</th>
            <th scope="col">Patient</th>
            <th scope="col">Workstation</th>
            <th scope="col">Outcome</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ treeIndex, record }) => {
            const object = objectText(record.object);
            const bad = unverified.has(treeIndex);
            return (
              <tr key={treeIndex} tabIndex={-1} data-unverified={bad || undefined}>
                <th scope="row" className="audit-index">
                  {treeIndex}
                  {bad && <span className="audit-unverified">Not verified</span>}
                </th>
                <td className="audit-time">
                  <time dateTime={utcTime(record.at)} title={`UTC ${utcTime(record.at)}`}>
                    {localTime(record.at)}
                  </time>
                </td>
                <td>{record.actor.userId ?? <span className="audit-none">No user</span>}</td>
                <td>
                  {record.actor.role === null ? <span className="audit-none">—</span> : roleLabel(record.actor.role)}
                </td>
                <td>{actionLabel(record.action)}</td>
                <td>
                  {/* No object reads as the other empty cells do, not as a value. */}
                  <span
                    title={object.full ?? undefined}
                    className={record.object.kind === 'none' ? 'audit-none' : undefined}
                  >
                    {object.text}
                  </span>
                </td>
                <td className="audit-code">{record.patient ?? <span className="audit-none">—</span>}</td>
                <td className="audit-code">
                  <span title={record.workstationId}>{shortId(record.workstationId)}</span>
                  {/* The workstation's own record number, which the trail alerts refer to. */}
                  <span className="audit-seq">no. {record.seq}</span>
                </td>
                <td data-outcome={record.outcome}>{outcomeLabel(record.outcome)}</td>
                <td className="audit-code">{record.reason ?? <span className="audit-none">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
