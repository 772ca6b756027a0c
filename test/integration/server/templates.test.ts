/**
 * Approved message templates through the server's API, as an attacker would try it: only an IT
 * admin may list, create, change or retire them, and each change is on the server's chain by
 * the template's id; a body outside the template language is refused with nothing stored; a
 * clinician is offered only the active templates for their own role and department; and two
 * admins changing one template at once cannot overwrite each other (the version check is in the
 * UPDATE), on PGlite and PostgreSQL alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEntry } from '../../../shared/audit/audit-entry';
import { routes, type RouteName } from '../../../shared/protocol/api';
import type { AdminTemplate } from '../../../shared/protocol/template-api';
import { reauthenticate } from '../../support/admin-session';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  createUser,
  HOOK_TIMEOUT_MS,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();

/** One call that may go either way: its status and body, for many at once. */
async function attempt(target: TestServer, route: RouteName, body: unknown, as: TestUser) {
  const answer = await target.api.raw('POST', routes[route].path, {
    headers: { authorization: `Bearer ${token(as)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
}

const TRANSPORT = {
  name: 'Ready for transport',
  body: 'Patient in bed {bed:number} is ready for transport at {time:time}.',
  audience: { roles: ['front-desk' as const], departments: [] },
};

interface People {
  readonly admin: TestUser;
  readonly desk: TestUser;
  readonly nurse: TestUser;
  readonly others: readonly TestUser[];
}

async function people(target: TestServer): Promise<People> {
  const admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
  const desk = await createUser(target, {
    userId: 'desk.morgan',
    displayName: 'Rhys Morgan',
    role: 'front-desk',
    department: 'Outpatients',
  });
  const nurse = await createUser(target, {
    userId: 'nurse.adams',
    displayName: 'Grace Adams',
    role: 'nurse',
    department: 'Ward 4B',
  });
  const physician = await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' });
  const compliance = await createUser(target, {
    userId: 'compliance.reed',
    displayName: 'Ada Reed',
    role: 'compliance-officer',
  });
  for (const user of [admin, desk, nurse, physician, compliance]) await signIn(target, user);
  return { admin, desk, nurse, others: [desk, nurse, physician, compliance] };
}

describe('message templates', () => {
  let target: TestServer;
  let who: People;

  beforeAll(async () => {
    target = await startTestServer('pglite');
    who = await people(target);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const create = (body: unknown) => target.api.ok('adminCreateTemplate', body as never, token(who.admin));
  const offered = async (user: TestUser) =>
    (await target.api.ok('listTemplates', {}, token(user))).templates.map((template) => template.name);

  async function chainRecordsOf(work: () => Promise<unknown>) {
    const records = async (): Promise<StoredEntry[]> => {
      await target.server.foldServerTrail();
      return target.server.admin.auditRecords({ action: 'admin.action', limit: 100_000 });
    };
    const before = (await records()).length;
    await work();
    return (await records()).slice(before).map(({ record }) => ({ object: record.object, reason: record.reason }));
  }

  it('refuses every admin route to anyone but an IT admin, freshly signed in or not', async () => {
    const bodies = {
      adminListTemplates: { after: null, limit: 10 },
      adminCreateTemplate: TRANSPORT,
      adminUpdateTemplate: { templateId: crypto.randomUUID(), version: 1, ...TRANSPORT },
      adminSetTemplateRetired: { templateId: crypto.randomUUID(), version: 1, retired: true },
    } as const;
    for (const [route, body] of Object.entries(bodies)) {
      expect(await target.api.refused(route as never, body)).toMatchObject({ status: 401 });
      for (const user of who.others) {
        await reauthenticate(target, user);
        expect(await target.api.refused(route as never, body, token(user)), `${route} ${user.userId}`).toMatchObject({
          status: 403,
          body: { error: 'FORBIDDEN' },
        });
      }
    }
    // And the clinicians' list to those who do not send messages.
    for (const user of [who.admin, who.others[3] as TestUser])
      expect(await target.api.refused('listTemplates', {}, token(user))).toMatchObject({ status: 403 });
    expect((await target.api.ok('adminListTemplates', { after: null, limit: 10 }, token(who.admin))).templates).toEqual(
      [],
    );
  });

  it('refuses a body outside the template language, and any audience it cannot hold, storing nothing', async () => {
    const bad: unknown[] = [
      { ...TRANSPORT, body: 'Bed {bed:number' },
      { ...TRANSPORT, body: 'Bed {bed:float}' },
      { ...TRANSPORT, body: '{a:number}{a:time}' },
      { ...TRANSPORT, body: 'x'.repeat(1001) },
      { ...TRANSPORT, body: 'Ring \u202Eme' },
      { ...TRANSPORT, body: '   ' },
      { ...TRANSPORT, body: Array.from({ length: 9 }, (_, i) => `{f${String(i)}:number}`).join(' ') },
      { ...TRANSPORT, name: '' },
      { ...TRANSPORT, name: 'Ready\u200Bfor' },
      { ...TRANSPORT, audience: { roles: ['it-admin'], departments: [] } },
      { ...TRANSPORT, audience: { roles: ['nurse', 'nurse'], departments: [] } },
      { ...TRANSPORT, audience: { roles: [], departments: Array.from({ length: 21 }, (_, i) => `D${String(i)}`) } },
      { ...TRANSPORT, audience: { roles: [] } },
      { ...TRANSPORT, retired: false },
    ];
    for (const body of bad)
      expect(
        await target.api.refused('adminCreateTemplate', body, token(who.admin)),
        JSON.stringify(body).slice(0, 80),
      ).toMatchObject({ status: 400, body: { error: 'MALFORMED_REQUEST' } });
    expect((await target.api.ok('adminListTemplates', { after: null, limit: 10 }, token(who.admin))).templates).toEqual(
      [],
    );
  });

  it('offers each clinician the active templates for their role and department, and records every change by id', async () => {
    let transport: AdminTemplate | undefined;
    const records = await chainRecordsOf(async () => {
      ({ template: transport } = await create(TRANSPORT));
      await create({
        name: 'Call the ward',
        body: 'Please call {ward:choice:Ward 4B|Ward 7} about the patient at the desk.',
        audience: { roles: [], departments: ['Outpatients'] },
      });
      await create({ name: 'Everyone', body: 'The lift is out of order.', audience: { roles: [], departments: [] } });
      await create({
        name: 'Nurses on 4B',
        body: 'Handover at {time:time}.',
        audience: { roles: ['nurse'], departments: ['Ward 4B'] },
      });
    });
    expect(transport).toMatchObject({ version: 1, retired: false, updatedBy: 'it.schmidt' });
    const id = transport?.templateId ?? '';
    expect(records.map((record) => record.reason)).toEqual([
      'TEMPLATE_CREATED',
      'TEMPLATE_CREATED',
      'TEMPLATE_CREATED',
      'TEMPLATE_CREATED',
    ]);
    expect(records[0]?.object).toEqual({ kind: 'template', id });
    expect(await offered(who.desk)).toEqual(['Call the ward', 'Everyone', 'Ready for transport']);
    expect(await offered(who.nurse)).toEqual(['Everyone', 'Nurses on 4B']);

    const retired = await chainRecordsOf(async () => {
      await target.api.ok('adminSetTemplateRetired', { templateId: id, version: 1, retired: true }, token(who.admin));
    });
    expect(retired).toEqual([{ object: { kind: 'template', id }, reason: 'TEMPLATE_RETIRED' }]);
    expect(await offered(who.desk)).toEqual(['Call the ward', 'Everyone']);
    const { template } = await target.api.ok(
      'adminSetTemplateRetired',
      { templateId: id, version: 2, retired: false },
      token(who.admin),
    );
    expect(template).toMatchObject({ version: 3, retired: false });
    expect(await offered(who.desk)).toContain('Ready for transport');
  });

  it('answers CONFLICT to a change from an old version and NOT_FOUND to no template, changing nothing', async () => {
    const { template } = await create({ ...TRANSPORT, name: 'Stale check' });
    const change = { templateId: template.templateId, ...TRANSPORT, name: 'Changed' };
    await target.api.ok('adminUpdateTemplate', { ...change, version: 1 }, token(who.admin));
    expect(await target.api.refused('adminUpdateTemplate', { ...change, version: 1 }, token(who.admin))).toEqual({
      status: 409,
      body: { error: 'CONFLICT' },
    });
    expect(
      await target.api.refused(
        'adminUpdateTemplate',
        { ...change, templateId: crypto.randomUUID(), version: 1 },
        token(who.admin),
      ),
    ).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
  });
});

describe.each(BACKENDS)('two admins changing one template at once on %s', (backend) => {
  let target: TestServer;
  let who: People;
  beforeAll(async () => {
    target = await startTestServer(backend, backend === 'postgres' ? { postgres: postgres() } : {});
    who = await people(target);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  it('lets exactly one of twenty changes from the same version through, and records only that one', async () => {
    const { template } = await target.api.ok('adminCreateTemplate', TRANSPORT, token(who.admin));
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        attempt(
          target,
          'adminUpdateTemplate',
          { templateId: template.templateId, version: 1, ...TRANSPORT, name: `Edit ${String(i)}` },
          who.admin,
        ),
      ),
    );
    const won = answers.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.body)).toEqual(
      Array.from({ length: 19 }, () => ({ error: 'CONFLICT' })),
    );
    const listed = await target.api.ok('adminListTemplates', { after: null, limit: 10 }, token(who.admin));
    expect(listed.templates).toHaveLength(1);
    expect(listed.templates[0]).toMatchObject({ version: 2, name: (won[0]?.body.template as AdminTemplate).name });
    const events = (await target.server.admin.adminEvents()).filter((event) => event.action.startsWith('template.'));
    expect(events.map((event) => event.action)).toEqual(['template.created', 'template.updated']);
  });

  it('keeps a retire and an edit from the same version from both going through', async () => {
    const { template } = await target.api.ok('adminCreateTemplate', { ...TRANSPORT, name: 'Race' }, token(who.admin));
    const answers = await Promise.all([
      attempt(
        target,
        'adminSetTemplateRetired',
        { templateId: template.templateId, version: 1, retired: true },
        who.admin,
      ),
      attempt(
        target,
        'adminUpdateTemplate',
        { templateId: template.templateId, version: 1, ...TRANSPORT, name: 'Race edited' },
        who.admin,
      ),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
  });
});
