import { describe, expect, it } from 'vitest';
import { isStalePreparedPlan, StatementNames } from '../../../server/db/statement-names';

describe('prepared statement names', () => {
  it('names each text once, the same each time, differently from other texts', () => {
    const names = new StatementNames();
    const send = names.nameOf('SELECT $1');
    expect(send).toMatch(/^w_[0-9a-f]{32}$/);
    expect(names.nameOf('SELECT $1')).toBe(send);
    expect(names.nameOf('SELECT $1, $2')).not.toBe(send);
  });

  it('prepares no more than its cap of texts, and keeps preparing those it has', () => {
    const names = new StatementNames(2);
    const first = names.nameOf('SELECT 1 WHERE $1');
    names.nameOf('SELECT 2 WHERE $1');
    expect(names.nameOf('SELECT 3 WHERE $1')).toBeUndefined();
    expect(names.nameOf('SELECT 1 WHERE $1')).toBe(first);
  });

  it('never prepares again a text whose prepared plan went stale', () => {
    const names = new StatementNames();
    names.nameOf('SELECT * FROM wards WHERE name = $1');
    names.unprepare('SELECT * FROM wards WHERE name = $1');
    expect(names.nameOf('SELECT * FROM wards WHERE name = $1')).toBeUndefined();
  });

  it("recognises PostgreSQL's stale-plan error and nothing else", () => {
    // Known by code and routine: the message is in the server's language.
    expect(isStalePreparedPlan({ code: '0A000', routine: 'RevalidateCachedQuery', message: 'le plan en cache…' })).toBe(
      true,
    );
    expect(isStalePreparedPlan({ code: '0A000', routine: 'ExecInitNode', message: 'not supported' })).toBe(false);
    expect(isStalePreparedPlan({ code: '23505', routine: 'RevalidateCachedQuery' })).toBe(false);
    expect(isStalePreparedPlan(new Error('cached plan must not change result type'))).toBe(false);
  });
});
