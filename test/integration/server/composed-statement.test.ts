/**
 * A statement composed of several stores' parts (server/db/composed-statement.ts) is one
 * transaction: a refusal in any part undoes every other part and the notifications they queued,
 * and a part behind an empty gate writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { ComposedStatement, gatedBy } from '../../../server/db/composed-statement';
import type { Database } from '../../../server/db/database';
import { usePostgres } from '../../support/postgres';
import { BACKENDS } from '../../support/server-fixtures';
import { useTestDatabases } from '../../support/test-databases';

const openDatabase = useTestDatabases(usePostgres());

async function open(backend: (typeof BACKENDS)[number]): Promise<Database> {
  const db = await openDatabase(backend);
  await db.query('CREATE TABLE wards (name text PRIMARY KEY)');
  await db.query('CREATE TABLE beds (ward text NOT NULL, bed int NOT NULL)');
  return db;
}

/** Notifications on `channel` as they arrive. */
async function heard(db: Database, channel: string): Promise<string[]> {
  const payloads: string[] = [];
  await db.listen(channel, (payload) => {
    if (payload !== null) payloads.push(payload);
  });
  return payloads;
}

async function eventually(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5_000) throw new Error('never happened');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A ward, then (only if the ward was new) its beds and a notification naming it. */
function addWard(s: ComposedStatement, name: string, beds: readonly number[]): string {
  const ward = s.with(
    'ward',
    `INSERT INTO wards (name) VALUES (${s.param(name)}) ON CONFLICT DO NOTHING RETURNING name`,
  );
  s.with(
    'beds',
    `INSERT INTO beds (ward, bed) SELECT ${ward}.name, b FROM ${gatedBy(ward)}unnest(${s.param(beds)}::int[]) AS b`,
  );
  s.with('announced', `SELECT pg_notify('wardline_test', name) FROM ${ward}`, { evaluate: true });
  return ward;
}

describe.each(BACKENDS)('a composed statement on %s', (backend) => {
  it('undoes every part, and the notifications they queued, when one part refuses', async () => {
    const db = await open(backend);
    const payloads = await heard(db, 'wardline_test');
    const refused = new ComposedStatement();
    const ward = addWard(refused, 'Ward 3', [1, 2, 3]);
    refused.refuseIf(`EXISTS (SELECT 1 FROM ${ward})`, 'WARD_CLOSED');
    expect(await refused.run(db, { added: `EXISTS (SELECT 1 FROM ${ward})` })).toEqual({
      ok: false,
      refusal: 'WARD_CLOSED',
    });
    expect(await db.query('SELECT * FROM wards')).toEqual([]);
    expect(await db.query('SELECT * FROM beds')).toEqual([]);

    // The next statement's notification arrives, and the refused one's never did.
    const added = new ComposedStatement();
    addWard(added, 'Ward 4', [7]);
    expect(await added.run(db, {})).toMatchObject({ ok: true });
    await eventually(() => payloads.length > 0);
    expect(payloads).toEqual(['Ward 4']);
    expect(await db.query('SELECT ward, bed FROM beds')).toEqual([{ ward: 'Ward 4', bed: 7 }]);
  });

  it('writes nothing behind a gate that is empty, and refuses nothing that was not tried', async () => {
    const db = await open(backend);
    const payloads = await heard(db, 'wardline_test');
    const first = new ComposedStatement();
    addWard(first, 'Ward 5', [1]);
    expect(await first.run(db, {})).toMatchObject({ ok: true });

    const again = new ComposedStatement();
    const ward = addWard(again, 'Ward 5', [2, 3]);
    // Refused only if the ward was added: it was not, so nothing is refused.
    again.refuseIf(`EXISTS (SELECT 1 FROM ${ward})`, 'WARD_CLOSED');
    expect(await again.run<{ added: boolean }>(db, { added: `EXISTS (SELECT 1 FROM ${ward})` })).toMatchObject({
      ok: true,
      row: { added: false },
    });
    expect(await db.query('SELECT bed FROM beds ORDER BY bed')).toEqual([{ bed: 1 }]);
    await eventually(() => payloads.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(payloads).toEqual(['Ward 5']);
  });

  it('answers a database error that is not a refusal as the error it is', async () => {
    const db = await open(backend);
    const s = new ComposedStatement();
    s.with('bad', `INSERT INTO beds (ward, bed) VALUES (${s.param('Ward 6')}, ${s.param(null)}) RETURNING bed`);
    await expect(s.run(db, {})).rejects.toMatchObject({ code: '23502' });
  });
});
