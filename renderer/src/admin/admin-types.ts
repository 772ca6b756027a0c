/** The Administration view's data, as the `admin.*` channels answer it. */
import type { ResponseOf } from '../../../shared/ipc/contract';

export type Person = ResponseOf<'admin.searchPeople'>['people'][number];
export type PersonSession = ResponseOf<'admin.listSessions'>['sessions'][number];
export type LogEntry = ResponseOf<'admin.recentActions'>['entries'][number];
/** A one-time enrollment code and when it stops working: held only while its dialog is open. */
export type EnrollmentGrant = ResponseOf<'admin.createPerson'>['enrollment'];
export type RoleAddressSummary = ResponseOf<'admin.searchRoleAddresses'>['roleAddresses'][number];
export type RoleAddress = ResponseOf<'admin.getRoleAddress'>['roleAddress'];
export type Workstation = ResponseOf<'admin.listWorkstations'>['workstations'][number];
/** A command IT queued for a workstation (a wipe) and where it stands. */
export type WorkstationCommand = ResponseOf<'admin.workstationCommands'>['commands'][number];
/** A workstation a person signed in at, as their panel lists it. */
export type PersonWorkstation = ResponseOf<'admin.personWorkstations'>['workstations'][number];
/** An on-call shift of a role address, and what a rota file's import would do (or did). */
export type RoleShift = ResponseOf<'admin.listShifts'>['shifts'][number];
export type ScheduleImport = ResponseOf<'admin.importShifts'>;
