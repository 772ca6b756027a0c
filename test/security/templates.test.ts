/**
 * Approved templates against a hostile page, through the real core, IPC router and server: front
 * desk restricted to templates by policy cannot send free text, a reply or a subject; a template
 * send cannot carry text other than main's own rendering, name a template nobody offered, or slip
 * in extra, missing, over-long or malformed field values. Each refusal is typed and seals nothing;
 * the one that goes is recorded with its template's id and none of its values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tap, type Tap } from '../support/audit-tap';
import { account, signIn, startTestServer, type TestServer } from '../support/messaging-server';
import { createWorkstation, type Workstation } from '../support/workstation';

const admin = account('it.ng', 'it-admin', 'Lin Ng', 'IT', 'Service desk');
const desk = account('desk.oyelaran', 'front-desk', 'Tunde Oyelaran', 'Outpatients', 'Receptionist');
const doctor = account('dr.castillo', 'physician', 'Rosa Castillo', 'Surgery', 'Registrar');

const BODY = 'Patient in bed {bed:number} is ready at {time:time}.';
const RENDERED = 'Patient in bed 12 is ready at 14:30.';

let server: TestServer;
let reception: Workstation;
let receptionTap: Tap;
let templateId: string;

beforeAll(async () => {
  server = await startTestServer([admin, desk, doctor]);
  const office = createWorkstation(server.endpoint);
  await signIn(office, admin);
  const created = await office.call('admin.createTemplate', {
    name: 'Ready',
    body: BODY,
    audience: { roles: ['front-desk'], departments: [] },
  });
  if (!created.ok) throw new Error(`template not created: ${created.error.code}`);
  templateId = created.value.template.templateId;
  await office.close();
  const ward = createWorkstation(server.endpoint);
  await signIn(ward, doctor);
  await ward.close();
  reception = createWorkstation(server.endpoint, { policy: { templatesOnlyRoles: 'front-desk' } });
  await signIn(reception, desk);
  receptionTap = await tap(reception);
}, 90_000);

afterAll(async () => {
  await reception.close();
  await server.server.close();
});

const send = (payload: Record<string, unknown>) =>
  reception.call('message.send', {
    to: [{ kind: 'user', userId: doctor.userId }],
    title: null,
    text: RENDERED,
    priority: 'routine',
    expiresInSeconds: null,
    ...payload,
  });
const use = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  template: { templateId, version: 1, fields, ...extra },
});
const sent = () => receptionTap.written.filter((record) => record.action === 'message.sent').length;

describe('front desk restricted to templates', () => {
  it('is told so with its templates', async () => {
    const listed = await reception.call('templates.list', {});
    expect(listed).toMatchObject({ ok: true, value: { templatesOnly: true, templates: [{ templateId, body: BODY }] } });
  });

  it('cannot send free text, a subject, or a reply without a template', async () => {
    const before = sent();
    await expect(send({ text: 'Anything I like' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'TEMPLATES_ONLY' },
    });
    await expect(send({ title: 'A subject', ...use({ bed: '12', time: '14:30' }) })).resolves.toMatchObject({
      ok: false,
      error: { code: 'TEMPLATES_ONLY' },
    });
    await expect(
      reception.call('message.send', {
        conversationId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10',
        text: 'A free reply',
        priority: 'routine',
        expiresInSeconds: null,
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'TEMPLATES_ONLY' } });
    expect(sent()).toBe(before);
  });
});

describe('a hostile template send', () => {
  it('cannot carry text other than the template’s own rendering', async () => {
    const before = sent();
    for (const text of ['Patient in bed 13 is ready at 14:30.', 'Call me on 555 0143', `${RENDERED} And more.`])
      await expect(send({ text, ...use({ bed: '12', time: '14:30' }) }), text).resolves.toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    expect(sent()).toBe(before);
  });

  it('cannot name a template nobody offered, or another version of it', async () => {
    for (const template of [
      { templateId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10', version: 1, fields: { bed: '12', time: '14:30' } },
      { templateId, version: 2, fields: { bed: '12', time: '14:30' } },
    ])
      await expect(send({ template })).resolves.toMatchObject({ ok: false, error: { code: 'TEMPLATE_UNAVAILABLE' } });
  });

  it('cannot slip in extra, missing, over-long or malformed values', async () => {
    const before = sent();
    const refusals: [Record<string, unknown>, string][] = [
      [use({ bed: '12', time: '14:30', note: 'extra' }), 'BAD_REQUEST'],
      [use({ bed: '12' }), 'BAD_REQUEST'],
      [use({ bed: '12 or call 555-0143', time: '14:30' }), 'BAD_REQUEST'],
      [use({ bed: '1234567', time: '14:30' }), 'BAD_REQUEST'],
      [use({ bed: '12', time: 'x'.repeat(10_000) }), 'BAD_REQUEST'],
      [use({ bed: '12', time: 'x'.repeat(20_000) }), 'PAYLOAD_TOO_LARGE'],
      [use({ bed: '12', time: 'x'.repeat(200) }), 'BAD_REQUEST'],
      [use({ bed: 12, time: '14:30' }), 'BAD_REQUEST'],
      [use({ __proto__: { bed: '12' }, time: '14:30' }), 'BAD_REQUEST'],
      [use(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${String(i)}`, '1']))), 'BAD_REQUEST'],
      [use({ 'Bed Number': '12', time: '14:30' }), 'BAD_REQUEST'],
      [use({ bed: '12', time: '14:30' }, { text: RENDERED }), 'BAD_REQUEST'],
      [{ template: { templateId, fields: { bed: '12', time: '14:30' } } }, 'BAD_REQUEST'],
      [{ template: { templateId: 'ready', version: 1, fields: {} } }, 'BAD_REQUEST'],
    ];
    for (const [payload, code] of refusals)
      await expect(send(payload), JSON.stringify(payload).slice(0, 100)).resolves.toMatchObject({
        ok: false,
        error: { code },
      });
    expect(sent()).toBe(before);
  });

  it('lets the honest one go, recorded with the template’s id and none of its values', async () => {
    const result = await send(use({ bed: '12', time: '14:30' }));
    expect(result.ok).toBe(true);
    const used = receptionTap.written.filter((record) => record.action === 'template.used');
    expect(used).toHaveLength(1);
    expect(used[0]?.object).toEqual({ kind: 'template', id: templateId });
    expect(JSON.stringify(receptionTap.written)).not.toContain('14:30');
  });
});
