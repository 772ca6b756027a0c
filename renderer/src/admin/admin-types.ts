/** The Administration view's data, as the `admin.*` channels answer it. */
import type { ResponseOf } from '../../../shared/ipc/contract';

export type Person = ResponseOf<'admin.searchPeople'>['people'][number];
export type PersonSession = ResponseOf<'admin.listSessions'>['sessions'][number];
export type LogEntry = ResponseOf<'admin.recentActions'>['entries'][number];
