/**
 * Which statements the PostgreSQL connections prepare, and under what name. A prepared
 * statement is parsed and planned once per connection instead of at every call: for the send's
 * one composed statement that was a quarter of the CPU per envelope (server-throughput bench).
 *
 * Names are the hash of the text. The server's SQL texts are its code's constants (and
 * compositions of them), so the set is small; a cap keeps a text built from data from growing
 * every connection's statement cache without bound. A text PostgreSQL can no longer run as
 * prepared (a migration by another instance changed a table under a `SELECT *`: "cached plan
 * must not change result type") is run unprepared from then on: a query outside a transaction
 * is retried at once, a transaction is rolled back and run once more (postgres-database.ts).
 */
import { createHash } from 'node:crypto';

export const MAX_PREPARED_STATEMENTS = 500;

/**
 * PostgreSQL's answer to a prepared statement whose result columns changed under it ("cached
 * plan must not change result type"), known by its code and the function that raises it, not by
 * its text, which follows the server's language.
 */
export function isStalePreparedPlan(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, routine } = error as { code?: unknown; routine?: unknown };
  return code === '0A000' && routine === 'RevalidateCachedQuery';
}

export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly unprepared = new Set<string>();

  constructor(private readonly cap = MAX_PREPARED_STATEMENTS) {}

  /** The name to prepare `sql` under, or undefined to run it unprepared. */
  nameOf(sql: string): string | undefined {
    if (this.unprepared.has(sql)) return undefined;
    const known = this.names.get(sql);
    if (known !== undefined) return known;
    if (this.names.size >= this.cap) return undefined;
    const name = `w_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    this.names.set(sql, name);
    return name;
  }

  /** `sql` failed as prepared in a way that will not pass: never prepare it again. */
  unprepare(sql: string): void {
    this.names.delete(sql);
    this.unprepared.add(sql);
  }
}
