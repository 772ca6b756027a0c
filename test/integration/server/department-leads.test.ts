/**
 * Department leads through the server's API, as an attacker would try it: only IT marks a lead,
 * and only someone with a department and a role that sends messages; a lead keeps the templates
 * for exactly their own department and nothing else (not IT's hospital-wide ones, not another
 * department's, not a wider audience for their own), each change on the chain naming them; a
 * clinician who leads nothing, or the lead of another department, is refused with a typed code;
 * and the power ends at the very next request when IT clears it or the directory moves them,
 * whatever their session says. Concurrency on PGlite and PostgreSQL alike: twenty edits from one
 * version let one through, and no lead change lands after IT's clear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/access/permission-matrix';
import type { StoredEntry } from '../../../shared/audit/audit-entry';
import { routes, type RouteName } from '../../../shared/protocol/api';
import type { AdminTemplate } from '../../../shared/protocol/template-api';
import { usePostgres } from '../../support/postgres';
import { scimClient } from '../../support/scim-client';
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

const WARD = 'Ward 4B';
const OTHER = 'Ward 7';

/** One call that may go either way: its status and body, for many at once. */
async function attempt(target: TestServer, route: RouteName, body: unknown, as: TestUser) {
  const answer = await target.api.raw('POST', routes[route].path, {
    headers: { authorization: `Bearer ${token(as)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
}

const forWard = (name: string, departments: string[] = [WARD]) => ({
  name,
  body: 'Handover in the day room at {time:time}.',
  audience: { roles: ['nurse' as const], departments },
});

interface People {
  readonly admin: TestUser;
  /** Nurse in charge on Ward 4B: made its lead. */
  readonly lead: TestUser;
  /** Another nurse on Ward 4B: leads nothing. */
  readonly nurse: TestUser;
  /** Nurse in charge on Ward 7: its lead. */
  readonly otherLead: TestUser;
  /** Front desk with no department: cannot lead one. */
  readonly desk: TestUser;
  readonly compliance: TestUser;
}

async function people(target: TestServer): Promise<People> {
  const make = (userId: string, role: Role, department = '') =>
    createUser(target, { userId, displayName: userId, role, department });
  const who: People = {
    admin: await make('it.schmidt', 'it-admin', 'IT'),
    lead: await make('nurse.lee', 'nurse', WARD),
    nurse: await make('nurse.adams', 'nurse', WARD),
    otherLead: await make('nurse.okafor', 'nurse', OTHER),
    desk: await make('desk.morgan', 'front-desk'),
    compliance: await make('compliance.reed', 'compliance-officer', 'Compliance'),
  };
  for (const user of [who.admin, who.lead, who.nurse, who.otherLead, who.desk, who.compliance])
    await signIn(target, user);
  return who;
}

describe('department leads', () => {
  let target: TestServer;
  let who: People;

  beforeAll(async () => {
    target = await startTestServer('pglite');
    who = await people(target);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const setLead = (userId: string, lead: boolean) =>
    target.api.ok('adminSetDepartmentLead', { userId, lead }, token(who.admin));
  const itCreates = async (body: unknown) =>
    (await target.api.ok('adminCreateTemplate', body as never, token(who.admin))).template;
  const offered = async (user: TestUser) =>
    (await target.api.ok('listTemplates', {}, token(user))).templates.map((template) => template.name);
  const leadList = async (user: TestUser) =>
    (await target.api.ok('leadListTemplates', { after: null, limit: 100 }, token(user))).templates;
  const listed = async (userId: string) =>
    (await target.api.ok('adminSearchAccounts', { query: userId, after: null, limit: 5 }, token(who.admin)))
      .accounts[0];

  async function chainRecordsOf(work: () => Promise<unknown>) {
    const records = async (): Promise<StoredEntry[]> => {
      await target.server.foldServerTrail();
      return target.server.admin.auditRecords({ action: 'admin.action', limit: 100_000 });
    };
    const before = (await records()).length;
    await work();
    return (await records()).slice(before).map(({ record }) => ({
      actor: record.actor.userId,
      role: record.actor.role,
      object: record.object,
      outcome: record.outcome,
      reason: record.reason,
    }));
  }

  it('is marked by IT only, for someone with a department and a role that sends messages, recorded once', async () => {
    expect(await target.api.refused('adminSetDepartmentLead', { userId: who.lead.userId, lead: true })).toMatchObject({
      status: 401,
    });
    for (const user of [who.lead, who.nurse, who.compliance])
      expect(
        await target.api.refused('adminSetDepartmentLead', { userId: who.lead.userId, lead: true }, token(user)),
      ).toEqual({ status: 403, body: { error: 'FORBIDDEN' } });
    for (const user of [who.desk, who.compliance, who.admin])
      expect(
        await target.api.refused('adminSetDepartmentLead', { userId: user.userId, lead: true }, token(who.admin)),
        user.userId,
      ).toEqual({ status: 409, body: { error: 'LEAD_NOT_ELIGIBLE' } });
    expect(
      await target.api.refused('adminSetDepartmentLead', { userId: 'nobody.here', lead: true }, token(who.admin)),
    ).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });

    const records = await chainRecordsOf(async () => {
      const marks = await Promise.all(
        Array.from({ length: 20 }, () =>
          attempt(target, 'adminSetDepartmentLead', { userId: 'nurse.lee', lead: true }, who.admin),
        ),
      );
      expect(marks.filter((mark) => mark.body.changed === true)).toHaveLength(1);
      expect(marks.every((mark) => mark.status === 200)).toBe(true);
      expect(await setLead(who.otherLead.userId, true)).toEqual({ changed: true });
    });
    expect(records).toEqual([
      {
        actor: 'it.schmidt',
        role: 'it-admin',
        object: { kind: 'account', id: 'nurse.lee' },
        outcome: 'success',
        reason: 'DEPARTMENT_LEAD_SET',
      },
      {
        actor: 'it.schmidt',
        role: 'it-admin',
        object: { kind: 'account', id: 'nurse.okafor' },
        outcome: 'success',
        reason: 'DEPARTMENT_LEAD_SET',
      },
    ]);
    expect(await listed('nurse.lee')).toMatchObject({ departmentLead: true });
    expect(await listed('nurse.adams')).toMatchObject({ departmentLead: false });
    expect(await target.api.ok('leadStatus', {}, token(who.lead))).toEqual({ department: WARD });
    expect(await target.api.ok('leadStatus', {}, token(who.nurse))).toEqual({ department: null });
  });

  it('refuses every lead route to a clinician who leads nothing, and to roles that send no messages', async () => {
    const bodies = {
      leadListTemplates: { after: null, limit: 10 },
      leadCreateTemplate: forWard('Anything'),
      leadUpdateTemplate: { templateId: crypto.randomUUID(), version: 1, ...forWard('Anything') },
      leadSetTemplateRetired: { templateId: crypto.randomUUID(), version: 1, retired: true },
    } as const;
    for (const [route, body] of Object.entries(bodies)) {
      expect(await target.api.refused(route as never, body), route).toMatchObject({ status: 401 });
      for (const user of [who.nurse, who.desk])
        expect(await target.api.refused(route as never, body, token(user)), `${route} ${user.userId}`).toEqual({
          status: 403,
          body: { error: 'NOT_DEPARTMENT_LEAD' },
        });
      for (const user of [who.admin, who.compliance])
        expect(await target.api.refused(route as never, body, token(user)), `${route} ${user.userId}`).toEqual({
          status: 403,
          body: { error: 'FORBIDDEN' },
        });
    }
    expect(await target.api.refused('leadStatus', {}, token(who.admin))).toMatchObject({ status: 403 });
    expect(await leadList(who.lead)).toEqual([]);
  });

  it('lets a lead keep their own department’s templates, recorded under their name, offered to that department only', async () => {
    let handover: AdminTemplate | undefined;
    const records = await chainRecordsOf(async () => {
      ({ template: handover } = await target.api.ok('leadCreateTemplate', forWard('Handover'), token(who.lead)));
      const id = handover.templateId;
      ({ template: handover } = await target.api.ok(
        'leadUpdateTemplate',
        {
          templateId: id,
          version: 1,
          ...forWard('Handover'),
          audience: { roles: ['nurse', 'physician'], departments: [WARD] },
        },
        token(who.lead),
      ));
      await target.api.ok('leadSetTemplateRetired', { templateId: id, version: 2, retired: true }, token(who.lead));
      ({ template: handover } = await target.api.ok(
        'leadSetTemplateRetired',
        { templateId: id, version: 3, retired: false },
        token(who.lead),
      ));
    });
    const object = { kind: 'template', id: handover?.templateId };
    expect(records).toEqual(
      ['TEMPLATE_CREATED', 'TEMPLATE_UPDATED', 'TEMPLATE_RETIRED', 'TEMPLATE_RESTORED'].map((reason) => ({
        actor: 'nurse.lee',
        role: 'nurse',
        object,
        outcome: 'success',
        reason,
      })),
    );
    expect(handover).toMatchObject({ version: 4, retired: false, updatedBy: 'nurse.lee' });
    expect(await offered(who.nurse)).toContain('Handover');
    expect(await offered(who.otherLead)).not.toContain('Handover');
    expect(await offered(who.desk)).not.toContain('Handover');
  });

  it('keeps IT’s templates and other departments’ out of a lead’s reach, and their own audience from widening', async () => {
    const everyone = await itCreates({ ...forWard('Everyone', []), audience: { roles: [], departments: [] } });
    const both = await itCreates(forWard('Both wards', [WARD, OTHER]));
    const ward7 = await itCreates(forWard('Ward 7 only', [OTHER]));
    const { template: own } = await target.api.ok('leadCreateTemplate', forWard('Own'), token(who.lead));
    expect((await leadList(who.lead)).map((template) => template.name)).toEqual(['Handover', 'Own']);
    expect((await leadList(who.otherLead)).map((template) => template.name)).toEqual(['Ward 7 only']);

    const refusals = await chainRecordsOf(async () => {
      for (const departments of [[], [OTHER], [WARD, OTHER], ['ward 4b']])
        expect(
          await target.api.refused('leadCreateTemplate', forWard('Wider', departments), token(who.lead)),
          JSON.stringify(departments),
        ).toEqual({ status: 403, body: { error: 'OUTSIDE_DEPARTMENT' } });
      expect(
        await target.api.refused(
          'leadUpdateTemplate',
          { templateId: own.templateId, version: 1, ...forWard('Own', [WARD, OTHER]) },
          token(who.lead),
        ),
      ).toEqual({ status: 403, body: { error: 'OUTSIDE_DEPARTMENT' } });
      for (const [template, as] of [
        [everyone, who.lead],
        [both, who.lead],
        [ward7, who.lead],
        [own, who.otherLead],
      ] as const) {
        const versioned = { templateId: template.templateId, version: template.version };
        expect(
          await target.api.refused('leadUpdateTemplate', { ...versioned, ...forWard('Taken', [WARD]) }, token(as)),
          template.name,
        ).toEqual({ status: 403, body: { error: 'OUTSIDE_DEPARTMENT' } });
        expect(
          await target.api.refused('leadSetTemplateRetired', { ...versioned, retired: true }, token(as)),
          template.name,
        ).toEqual({ status: 403, body: { error: 'OUTSIDE_DEPARTMENT' } });
      }
    });
    expect(refusals).toHaveLength(13);
    expect(refusals.every((record) => record.outcome === 'failure' && record.reason === 'OUTSIDE_DEPARTMENT')).toBe(
      true,
    );
    expect(refusals[5]).toMatchObject({ actor: 'nurse.lee', object: { kind: 'template', id: everyone.templateId } });
    expect(
      await target.api.refused(
        'leadUpdateTemplate',
        { templateId: crypto.randomUUID(), version: 1, ...forWard('Nothing') },
        token(who.lead),
      ),
    ).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });

    // Nothing was touched: every template still at its version, with its audience.
    const all = (await target.api.ok('adminListTemplates', { after: null, limit: 100 }, token(who.admin))).templates;
    for (const template of [everyone, both, ward7, own])
      expect(all.find((held) => held.templateId === template.templateId)).toEqual(template);

    // IT still reaches a lead's template; once IT widens it, it is no longer the lead's.
    await target.api.ok(
      'adminUpdateTemplate',
      { templateId: own.templateId, version: 1, ...forWard('Own', [WARD, OTHER]) },
      token(who.admin),
    );
    expect((await leadList(who.lead)).map((template) => template.name)).toEqual(['Handover']);
    expect(
      await target.api.refused(
        'leadSetTemplateRetired',
        { templateId: own.templateId, version: 2, retired: true },
        token(who.lead),
      ),
    ).toEqual({ status: 403, body: { error: 'OUTSIDE_DEPARTMENT' } });
  });

  it('ends at the next request when IT clears it or the directory moves them, whatever the session holds', async () => {
    const { template } = await target.api.ok('leadCreateTemplate', forWard('Before the clear'), token(who.lead));
    const cleared = await chainRecordsOf(() => setLead(who.lead.userId, false));
    expect(cleared).toEqual([
      {
        actor: 'it.schmidt',
        role: 'it-admin',
        object: { kind: 'account', id: 'nurse.lee' },
        outcome: 'success',
        reason: 'DEPARTMENT_LEAD_CLEARED',
      },
    ]);
    // The same session, the same token: refused now.
    expect(
      await target.api.refused(
        'leadSetTemplateRetired',
        { templateId: template.templateId, version: 1, retired: true },
        token(who.lead),
      ),
    ).toEqual({ status: 403, body: { error: 'NOT_DEPARTMENT_LEAD' } });
    expect(await target.api.refused('leadListTemplates', { after: null, limit: 10 }, token(who.lead))).toEqual({
      status: 403,
      body: { error: 'NOT_DEPARTMENT_LEAD' },
    });
    expect(await target.api.ok('leadStatus', {}, token(who.lead))).toEqual({ department: null });
    expect(await setLead(who.lead.userId, false)).toEqual({ changed: false });

    // Marked again, then moved to Ward 7 by the directory: no lead of either ward.
    await setLead(who.lead.userId, true);
    const issued = await target.api.ok('adminIssueScimToken', { label: 'Entra ID' }, token(who.admin));
    const scim = scimClient(target.server.url, target.caPem, issued.token);
    try {
      const moved = await chainRecordsOf(async () => {
        expect((await scim.update('nurse.lee', { department: OTHER })).status).toBe(200);
      });
      expect(moved.map((record) => record.reason)).toEqual(['ACCOUNT_UPDATED', 'DEPARTMENT_LEAD_CLEARED']);
      expect(await target.api.refused('leadCreateTemplate', forWard('Moved', [OTHER]), token(who.lead))).toEqual({
        status: 403,
        body: { error: 'NOT_DEPARTMENT_LEAD' },
      });
      // Moved back: the lead does not come back with them.
      expect((await scim.update('nurse.lee', { department: WARD })).status).toBe(200);
      expect(await target.api.ok('leadStatus', {}, token(who.lead))).toEqual({ department: null });
      expect(await listed('nurse.lee')).toMatchObject({ department: WARD, departmentLead: false });
    } finally {
      scim.close();
    }
  });
});

describe.each(BACKENDS)('a lead’s changes at once on %s', (backend) => {
  let target: TestServer;
  let who: People;
  beforeAll(async () => {
    target = await startTestServer(backend, backend === 'postgres' ? { postgres: postgres() } : {});
    who = await people(target);
    await target.api.ok('adminSetDepartmentLead', { userId: who.lead.userId, lead: true }, token(who.admin));
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  it('lets exactly one of twenty edits from the same version through, and records only that one', async () => {
    const { template } = await target.api.ok('leadCreateTemplate', forWard('Race'), token(who.lead));
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        attempt(
          target,
          'leadUpdateTemplate',
          { templateId: template.templateId, version: 1, ...forWard(`Edit ${String(i)}`) },
          who.lead,
        ),
      ),
    );
    const won = answers.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.body)).toEqual(
      Array.from({ length: 19 }, () => ({ error: 'CONFLICT' })),
    );
    const events = (await target.server.admin.adminEvents()).filter((event) => event.action.startsWith('template.'));
    expect(events.map((event) => [event.action, event.actor])).toEqual([
      ['template.created', 'nurse.lee'],
      ['template.updated', 'nurse.lee'],
    ]);
  });

  it('keeps at most fifty active templates for a department from its lead, twenty creates at once included', async () => {
    const { otherLead } = who;
    await target.api.ok('adminSetDepartmentLead', { userId: otherLead.userId, lead: true }, token(who.admin));
    const create = (name: string) => attempt(target, 'leadCreateTemplate', forWard(name, [OTHER]), otherLead);
    for (let batch = 0; batch < 4; batch++)
      await Promise.all(Array.from({ length: 10 }, (_, i) => create(`Kept ${String(batch * 10 + i)}`)));
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => create(`At once ${String(i)}`)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(10);
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.body)).toEqual(
      Array.from({ length: 10 }, () => ({ error: 'TEMPLATE_LIMIT_REACHED' })),
    );
    const held = async () =>
      (await target.api.ok('leadListTemplates', { after: null, limit: 100 }, token(otherLead))).templates;
    expect((await held()).filter((template) => !template.retired)).toHaveLength(50);
    // One retired makes room for one; bringing it back once the room is taken is refused.
    const [first] = await held();
    if (first === undefined) throw new Error('no template');
    const versioned = { templateId: first.templateId, version: first.version };
    await target.api.ok('leadSetTemplateRetired', { ...versioned, retired: true }, token(otherLead));
    expect((await create('In its place')).status).toBe(200);
    expect(
      await target.api.refused(
        'leadSetTemplateRetired',
        { templateId: first.templateId, version: first.version + 1, retired: false },
        token(otherLead),
      ),
    ).toEqual({ status: 409, body: { error: 'TEMPLATE_LIMIT_REACHED' } });
    // IT keeps no such count.
    await target.api.ok('adminCreateTemplate', forWard('By IT', [OTHER]), token(who.admin));
  });

  it('lands no change after IT’s clear: each of twenty creates racing it is done before it or refused', async () => {
    const before = (await target.server.admin.adminEvents()).length;
    const racing = Array.from({ length: 20 }, (_, i) =>
      attempt(target, 'leadCreateTemplate', forWard(`Racing ${String(i)}`), who.lead),
    );
    const clear = attempt(target, 'adminSetDepartmentLead', { userId: who.lead.userId, lead: false }, who.admin);
    const answers = await Promise.all(racing);
    expect((await clear).body).toEqual({ changed: true });
    const done = answers.filter((answer) => answer.status === 200);
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.body)).toEqual(
      Array.from({ length: 20 - done.length }, () => ({ error: 'NOT_DEPARTMENT_LEAD' })),
    );
    const events = (await target.server.admin.adminEvents()).slice(before);
    const clearedAt = events.findIndex((event) => event.action === 'account.lead-cleared');
    const created = events.flatMap((event, index) =>
      event.action === 'template.created' && event.outcome === 'success' ? [index] : [],
    );
    // Each create answered done, and only those, recorded: all before the clear.
    expect(created).toHaveLength(done.length);
    expect(created.every((index) => index < clearedAt)).toBe(true);
    const names = (await target.api.ok('adminListTemplates', { after: null, limit: 100 }, token(who.admin))).templates
      .map((template) => template.name)
      .filter((name) => name.startsWith('Racing'));
    expect(names).toHaveLength(done.length);
  });
});
