/** The compliance view's data, as the `audit.search` and `audit.export` channels answer it. */
import type { AuditSearchFilter } from '../../../shared/audit/audit-entry';
import type { ResponseOf } from '../../../shared/ipc/contract';

export type { AuditSearchFilter };
export type SearchAnswer = ResponseOf<'audit.search'>;
export type AuditRow = SearchAnswer['records'][number];
export type Verification = SearchAnswer['verification'];
export type TrailAlert = SearchAnswer['alerts'][number];
export type AuditAlertKind = TrailAlert['kind'];
export type ExportAnswer = ResponseOf<'audit.export'>;
