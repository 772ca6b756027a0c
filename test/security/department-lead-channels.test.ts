/**
 * A department lead's channels (shared/ipc/lead-channels.ts) against a hostile page, through the
 * real core, IPC router and server: nobody signed in, a locked session, and the roles that send no
 * messages are refused by the router before main asks anything; a clinician who leads nothing is
 * refused by the server whatever the page sends; malformed, oversized and widening requests are
 * typed refusals that change nothing; and IT clearing the lead ends the power at the lead's very
 * next call, in the same unlocked session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadChannels } from '../../shared/ipc/lead-channels';
import type { ChannelName, RequestOf } from '../../shared/ipc/contract';
import { account, signIn, startTestServer, type TestServer } from '../support/messaging-server';
import { createWorkstation, type Workstation } from '../support/workstation';

const WARD = 'Ward 4B';
const admin = account('it.ng', 'it-admin', 'Lin Ng', 'IT', 'Service desk');
const lead = account('nurse.lee', 'nurse', 'Min Lee', WARD, 'Nurse in charge');
const nurse = account('nurse.adams', 'nurse', 'Grace Adams', WARD, 'Staff nurse');
const compliance = account('compliance.reed', 'compliance-officer', 'Ada Reed', 'Compliance', 'Officer');

type LeadChannel = keyof typeof leadChannels;
const CHANNELS = Object.keys(leadChannels) as LeadChannel[];
const SOME_ID = '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10';
const HANDOVER = {
  name: 'Handover',
  body: 'Handover in the day room at {time:time}.',
  audience: { roles: ['nurse' as const], departments: [WARD] },
};
/** A valid request for every lead channel: each must be refused for who asks, not for its shape. */
const REQUESTS: { readonly [C in LeadChannel]: RequestOf<C> } = {
  'lead.status': {},
  'lead.listTemplates': { after: null },
  'lead.createTemplate': HANDOVER,
  'lead.updateTemplate': { templateId: SOME_ID, version: 1, ...HANDOVER },
  'lead.setTemplateRetired': { templateId: SOME_ID, version: 1, retired: true },
};

let server: TestServer;
let office: Workstation;
let ward: Workstation;

const call = (station: Workstation, channel: ChannelName, payload: unknown) =>
  station.call(channel, payload as never) as Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;

beforeAll(async () => {
  server = await startTestServer([admin, lead, nurse, compliance]);
  office = createWorkstation(server.endpoint);
  ward = createWorkstation(server.endpoint);
  await signIn(office, admin);
}, 90_000);

afterAll(async () => {
  await Promise.all([office.close(), ward.close()]);
  await server.server.close();
});

describe('who may use the lead channels', () => {
  it('refuses each one with nobody signed in, and to roles that send no messages, before asking the server', async () => {
    for (const channel of CHANNELS) {
      expect(await call(ward, channel, REQUESTS[channel]), channel).toMatchObject({
        ok: false,
        error: { code: 'NOT_SIGNED_IN' },
      });
      expect(await call(office, channel, REQUESTS[channel]), channel).toMatchObject({
        ok: false,
        error: { code: 'NOT_PERMITTED' },
      });
    }
    const audit = createWorkstation(server.endpoint);
    try {
      await signIn(audit, compliance);
      for (const channel of CHANNELS)
        expect(await call(audit, channel, REQUESTS[channel]), channel).toMatchObject({
          ok: false,
          error: { code: 'NOT_PERMITTED' },
        });
    } finally {
      await audit.close();
    }
  }, 60_000);

  it('tells a clinician who leads nothing so, and refuses them every change whatever the page sends', async () => {
    await signIn(ward, nurse);
    expect(await call(ward, 'lead.status', {})).toEqual({ ok: true, value: { department: null } });
    for (const channel of CHANNELS.filter((name) => name !== 'lead.status'))
      expect(await call(ward, channel, REQUESTS[channel]), channel).toMatchObject({
        ok: false,
        error: { code: 'NOT_DEPARTMENT_LEAD' },
      });
    expect((await call(ward, 'session.signOut', {})).ok).toBe(true);
  }, 60_000);
});

describe('a lead against a hostile page', () => {
  let handover: { templateId: string; version: number };

  it('is told their department once IT marks them, and keeps its templates', async () => {
    expect(await call(office, 'admin.setDepartmentLead', { userId: lead.userId, lead: true })).toEqual({
      ok: true,
      value: { changed: true },
    });
    expect(await call(office, 'admin.setDepartmentLead', { userId: compliance.userId, lead: true })).toMatchObject({
      ok: false,
      error: { code: 'LEAD_NOT_ELIGIBLE' },
    });
    await signIn(ward, lead, 1);
    expect(await call(ward, 'lead.status', {})).toEqual({ ok: true, value: { department: WARD } });
    const created = await call(ward, 'lead.createTemplate', HANDOVER);
    expect(created).toMatchObject({ ok: true, value: { template: { name: 'Handover', updatedBy: 'nurse.lee' } } });
    const { templateId, version } = (created.value as { template: typeof handover }).template;
    handover = { templateId, version };
  }, 60_000);

  it('refuses malformed, oversized and widening requests with typed codes, changing nothing', async () => {
    const refusals: [ChannelName, unknown, string][] = [
      ['lead.status', { department: 'Ward 7' }, 'BAD_REQUEST'],
      ['lead.createTemplate', { ...HANDOVER, retired: false }, 'BAD_REQUEST'],
      ['lead.createTemplate', { ...HANDOVER, audience: { roles: ['it-admin'], departments: [WARD] } }, 'BAD_REQUEST'],
      ['lead.createTemplate', { ...HANDOVER, body: 'Bed {bed:number' }, 'BAD_REQUEST'],
      ['lead.createTemplate', { ...HANDOVER, body: 'x'.repeat(20_000) }, 'PAYLOAD_TOO_LARGE'],
      ['lead.createTemplate', { ...HANDOVER, audience: { roles: [], departments: [] } }, 'OUTSIDE_DEPARTMENT'],
      ['lead.createTemplate', { ...HANDOVER, audience: { roles: [], departments: ['Ward 7'] } }, 'OUTSIDE_DEPARTMENT'],
      [
        'lead.updateTemplate',
        { ...handover, ...HANDOVER, audience: { roles: [], departments: [WARD, 'Ward 7'] } },
        'OUTSIDE_DEPARTMENT',
      ],
      ['lead.updateTemplate', { ...handover, version: 0, ...HANDOVER }, 'BAD_REQUEST'],
      ['lead.setTemplateRetired', { templateId: 'not-a-uuid', version: 1, retired: true }, 'BAD_REQUEST'],
      ['lead.listTemplates', { after: null, limit: 100_000 }, 'BAD_REQUEST'],
    ];
    for (const [channel, payload, code] of refusals)
      expect(await call(ward, channel, payload), `${channel} ${JSON.stringify(payload).slice(0, 80)}`).toMatchObject({
        ok: false,
        error: { code },
      });
    const listed = await call(ward, 'lead.listTemplates', { after: null });
    expect(listed).toMatchObject({ ok: true, value: { templates: [{ ...handover, name: 'Handover' }], more: false } });
  });

  it('keeps a template IT made for everyone out of reach', async () => {
    const everyone = await call(office, 'admin.createTemplate', {
      ...HANDOVER,
      name: 'Lift out of order',
      audience: { roles: [], departments: [] },
    });
    const { templateId } = (everyone.value as { template: { templateId: string } }).template;
    expect(await call(ward, 'lead.setTemplateRetired', { templateId, version: 1, retired: true })).toMatchObject({
      ok: false,
      error: { code: 'OUTSIDE_DEPARTMENT' },
    });
  });

  it('loses the power at the next call once IT clears it, in the same unlocked session', async () => {
    expect(await call(office, 'admin.setDepartmentLead', { userId: lead.userId, lead: false })).toEqual({
      ok: true,
      value: { changed: true },
    });
    expect(await call(ward, 'lead.setTemplateRetired', { ...handover, retired: true })).toMatchObject({
      ok: false,
      error: { code: 'NOT_DEPARTMENT_LEAD' },
    });
    expect(await call(ward, 'lead.status', {})).toEqual({ ok: true, value: { department: null } });
    expect((await call(ward, 'session.getState', {})).value).toMatchObject({ state: 'unlocked' });
  });

  it('refuses a locked session before asking the server', async () => {
    expect((await call(ward, 'session.lock', {})).ok).toBe(true);
    for (const channel of CHANNELS)
      expect(await call(ward, channel, REQUESTS[channel]), channel).toMatchObject({
        ok: false,
        error: { code: 'NOT_SIGNED_IN' },
      });
  });
});
