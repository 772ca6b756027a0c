/**
 * One statement built from parts that several stores own. Each part adds common table
 * expressions and their parameters, so a send that writes five tables is one round trip to the
 * database (no BEGIN, no COMMIT: one statement is its own transaction), while each table's SQL
 * still lives in its own store.
 *
 * A part that must happen only if an earlier one did takes that part's relation as its *gate*:
 * a relation of at most one row, joined into the part's FROM. An empty gate makes the part write
 * nothing.
 *
 * A part may refuse: `refuseIf` raises `wardline_refuse` (migration 0028) inside the statement, so
 * everything the statement did is undone, and `run` answers the refusal's code.
 */
import type { Database, Queryable, Row } from './database';

/** SQLSTATE raised by `wardline_refuse(code)`, its message the refusal's code. */
export const REFUSAL_SQLSTATE = 'WL001';

export type StatementOutcome<R extends Row> =
  { readonly ok: true; readonly row: R } | { readonly ok: false; readonly refusal: string };

export class ComposedStatement {
  private readonly ctes: string[] = [];
  private readonly evaluated: string[] = [];
  private readonly values: unknown[] = [];
  private readonly names = new Set<string>();
  private refusals = 0;

  /** Adds a parameter; answers its placeholder. */
  param(value: unknown): string {
    this.values.push(value);
    return `$${String(this.values.length)}`;
  }

  /**
   * Adds `name AS (sql)` and answers the name. A name is used once: a part added twice would write
   * the same rows twice under one snapshot. A SELECT whose point is a side effect (a notification,
   * a refusal) passes `evaluate`: PostgreSQL runs a data-modifying expression whether or not
   * anything reads it, but a SELECT only if read.
   */
  with(name: string, sql: string, options: { readonly evaluate?: boolean } = {}): string {
    if (this.names.has(name)) throw new Error(`a composed statement has two parts named ${name}`);
    this.names.add(name);
    this.ctes.push(`${name} AS (${sql})`);
    if (options.evaluate === true) this.evaluated.push(name);
    return name;
  }

  /**
   * Refuses the whole statement with `code` when `condition` (an SQL boolean) holds. Such a
   * statement runs on its own, never inside a transaction: the refusal would abort it.
   */
  refuseIf(condition: string, code: string): void {
    this.refusals += 1;
    this.with(`refusal_${String(this.refusals)}`, `SELECT wardline_refuse(${this.param(code)}) WHERE ${condition}`, {
      evaluate: true,
    });
  }

  /**
   * Runs the statement. `outputs` are the columns of the one row it answers (SQL expressions by
   * name, e.g. `EXISTS (SELECT 1 FROM envelope)`).
   */
  async run<R extends Row>(
    db: Queryable | Database,
    outputs: Readonly<Record<keyof R & string, string>>,
  ): Promise<StatementOutcome<R>> {
    if (this.refusals > 0 && !('transaction' in db)) throw new Error('a statement that may refuse runs on its own');
    const columns = [
      ...Object.entries(outputs).map(([name, sql]) => `${sql} AS ${name}`),
      ...this.evaluated.map((name) => `(SELECT count(*) FROM ${name}) AS ${name}_count`),
    ];
    if (this.ctes.length === 0) throw new Error('a composed statement with no parts');
    const sql = `WITH ${this.ctes.join(',\n')}\nSELECT ${columns.length > 0 ? columns.join(', ') : '1'}`;
    try {
      const rows = await db.query<R>(sql, this.values);
      return { ok: true, row: rows[0] as R };
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === null) throw error;
      return { ok: false, refusal };
    }
  }
}

/** The FROM items a gated part starts with: the gate, or nothing. */
export function gatedBy(gate: string | null): string {
  return gate === null ? '' : `${gate}, `;
}

function refusalOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === REFUSAL_SQLSTATE && typeof message === 'string' ? message : null;
}
