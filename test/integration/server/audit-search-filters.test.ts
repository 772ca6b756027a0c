/**
 * The compliance view's filters against the real server: the view's own form conversion
 * (renderer/src/compliance/audit-filter.ts) makes the filter, the server's search
 * (server/audit/audit-search.ts) answers it, and each of patient reference, workstation and time
 * narrows the records to exactly those that match, alone and together. Records go in through
 * intake from two workstations, as signed batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_FORM, filterFromForm, type FilterForm } from '../../../renderer/src/compliance/audit-filter';
import type { AuditSearchFilter } from '../../../shared/audit/audit-entry';
import { chainRecords, chainStart, signedBatch, type RecordSpec } from '../../support/audit-batches';
import {
  createUser,
  HOOK_TIMEOUT_MS,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

/** A day long past, in this machine's local time (as the form's datetime-local fields are). */
const at = (localTime: string) => new Date(`2025-03-01T${localTime}`).getTime();
const PATIENT = 'pat-K7Q2M9';
const OTHER_PATIENT = 'pat-Z3X8W1';

let target: TestServer;
let nurse: TestUser;
let doctor: TestUser;
let officer: TestUser;

/** Each record by a label carried in its reason code, so an answer reads as a list of labels. */
const NURSE_RECORDS: readonly RecordSpec[] = [
  { reason: 'N_0950', at: at('09:50:00'), patient: PATIENT },
  { reason: 'N_1005', at: at('10:05:30'), patient: OTHER_PATIENT },
  { reason: 'N_1030', at: at('10:30:00'), patient: PATIENT },
  { reason: 'N_1100', at: at('11:00:00'), patient: null },
];
const DOCTOR_RECORDS: readonly RecordSpec[] = [
  { reason: 'D_1010', at: at('10:10:00'), patient: PATIENT, actor: { userId: 'dr.mensah', role: 'physician' } },
  { reason: 'D_1200', at: at('12:00:00'), patient: OTHER_PATIENT, actor: { userId: 'dr.mensah', role: 'physician' } },
];

beforeAll(async () => {
  target = await startTestServer('pglite');
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams' });
  doctor = await createUser(target, { userId: 'dr.mensah', displayName: 'Kofi Mensah', role: 'physician' });
  officer = await createUser(target, { userId: 'compliance.lee', displayName: 'Jin Lee', role: 'compliance-officer' });
  for (const user of [nurse, doctor, officer]) await signIn(target, user);
  const conversation = { kind: 'conversation', id: '5b1f0e2a-7c3d-4e8f-9a6b-1c2d3e4f5a6b' } as const;
  const withObject = (specs: readonly RecordSpec[]) =>
    specs.map((spec) => ({ action: 'conversation.opened' as const, object: conversation, ...spec }));
  await target.api.ok(
    'auditBatch',
    await signedBatch(nurse.device, await chainRecords(nurse.device.deviceId, chainStart(), withObject(NURSE_RECORDS))),
  );
  await target.api.ok(
    'auditBatch',
    await signedBatch(
      doctor.device,
      await chainRecords(doctor.device.deviceId, chainStart(), withObject(DOCTOR_RECORDS)),
    ),
  );
}, HOOK_TIMEOUT_MS);
afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

/** What the form's values find on the server: the labels, in tree order. */
async function found(form: Partial<FilterForm>): Promise<string[]> {
  const converted = filterFromForm({ ...EMPTY_FORM, ...form });
  if (!converted.ok) throw new Error(`the form refused ${JSON.stringify(converted.error)}`);
  const filter: AuditSearchFilter = converted.value;
  const answer = await target.api.ok(
    'auditSearch',
    { filter, afterIndex: -1, limit: 100, knownTreeSize: 0 },
    token(officer),
  );
  return answer.entries.map(({ entry }) => entry.record.reason ?? '').filter((reason) => /^[ND]_\d{4}$/.test(reason));
}

describe('each compliance filter narrows what the server returns', () => {
  it('finds everything with no filter', async () => {
    expect(await found({})).toEqual(['N_0950', 'N_1005', 'N_1030', 'N_1100', 'D_1010', 'D_1200']);
  });

  it('narrows by patient reference', async () => {
    expect(await found({ patient: PATIENT })).toEqual(['N_0950', 'N_1030', 'D_1010']);
    expect(await found({ patient: OTHER_PATIENT })).toEqual(['N_1005', 'D_1200']);
    expect(await found({ patient: 'pat-NOBODY00' })).toEqual([]);
  });

  it('narrows by workstation, typed in upper case as it may be copied', async () => {
    expect(await found({ workstationId: nurse.device.deviceId.toUpperCase() })).toEqual([
      'N_0950',
      'N_1005',
      'N_1030',
      'N_1100',
    ]);
    expect(await found({ workstationId: doctor.device.deviceId })).toEqual(['D_1010', 'D_1200']);
  });

  it('narrows by time, From inclusive and To including its whole minute', async () => {
    expect(await found({ from: '2025-03-01T10:00', to: '2025-03-01T10:30' })).toEqual(['N_1005', 'N_1030', 'D_1010']);
    expect(await found({ from: '2025-03-01T10:31' })).toEqual(['N_1100', 'D_1200']);
    expect(await found({ to: '2025-03-01T09:59' })).toEqual(['N_0950']);
    expect(await found({ from: '2025-03-01T10:06', to: '2025-03-01T10:09' })).toEqual([]);
  });

  it('narrows by all three together', async () => {
    expect(await found({ patient: PATIENT, workstationId: nurse.device.deviceId, from: '2025-03-01T10:00' })).toEqual([
      'N_1030',
    ]);
    expect(await found({ patient: PATIENT, workstationId: doctor.device.deviceId, to: '2025-03-01T10:00' })).toEqual(
      [],
    );
  });
});
