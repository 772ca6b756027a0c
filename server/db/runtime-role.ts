/**
 * The production split on PostgreSQL: an owner role applies the schema, and the server runs as a
 * runtime role that owns nothing. Triggers refuse UPDATE, DELETE and TRUNCATE of the audit
 * tables, but a table's owner could disable them; a role that is not the owner cannot, and
 * without the privileges it cannot even try. So the runtime role gets SELECT and INSERT on the
 * append-only tables, SELECT on the migration record, full row access to the operational tables,
 * and purges only through audit_purge_expired (which enforces retention and legal holds as the
 * owner). Granted by `--migrate-only --runtime-role <role>` after every migration, so a table a
 * later migration adds is covered too. The embedded PGlite has one role and keeps the triggers.
 */
import type { Database } from './database';

/** Rows here are never changed or removed by the server (the purge function aside). */
export const APPEND_ONLY_TABLES = [
  'audit_leaves',
  'audit_records',
  'audit_purged',
  'audit_batches',
  'audit_tree_heads',
  'audit_alerts',
  'audit_legal_holds',
  'message_holds',
  'identity_key_history',
  'account_events',
  'admin_events',
  'served_events',
] as const;
const READ_ONLY_TABLES = ['schema_migrations'] as const;
const PURGE_FUNCTION = 'audit_purge_expired(bigint, text, bigint)';

/** Why the role was not granted anything; a code, never the database's own message. */
export class RuntimeRoleError extends Error {
  constructor(readonly code: 'INVALID_ROLE_NAME' | 'UNKNOWN_ROLE' | 'ROLE_TOO_POWERFUL') {
    super(`The runtime role cannot be set up (${code}).`);
    this.name = 'RuntimeRoleError';
  }
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Grants `role` exactly what the running server needs; run as the schema's owner, after migrating. */
export async function grantRuntimeRole(db: Database, role: string): Promise<void> {
  if (!ROLE_NAME.test(role)) throw new RuntimeRoleError('INVALID_ROLE_NAME');
  const name = `"${role}"`;
  await db.transaction(async (tx) => {
    // Membership counts as ownership: a member of the owner's role may act as the owner.
    const [found] = await tx.query<{ rolsuper: boolean; rolbypassrls: boolean; owns: boolean }>(
      `SELECT r.rolsuper, r.rolbypassrls,
         EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_has_role(r.oid, c.relowner, 'MEMBER'))
         OR EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND pg_has_role(r.oid, p.proowner, 'MEMBER')) AS owns
       FROM pg_roles r WHERE r.rolname = $1`,
      [role],
    );
    if (found === undefined) throw new RuntimeRoleError('UNKNOWN_ROLE');
    // A superuser, or the owner (or a member of its role), could switch the triggers off.
    if (found.rolsuper || found.rolbypassrls || found.owns) throw new RuntimeRoleError('ROLE_TOO_POWERFUL');

    const tables = await tx.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    // From nothing, every time: a privilege granted by hand or by an older version does not linger.
    await tx.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${name}`);
    await tx.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${name}`);
    await tx.query(`GRANT USAGE ON SCHEMA public TO ${name}`);
    for (const { tablename } of tables) {
      const table = `"${tablename.replace(/"/g, '""')}"`;
      const privileges = (APPEND_ONLY_TABLES as readonly string[]).includes(tablename)
        ? 'SELECT, INSERT'
        : (READ_ONLY_TABLES as readonly string[]).includes(tablename)
          ? 'SELECT'
          : 'SELECT, INSERT, UPDATE, DELETE';
      await tx.query(`GRANT ${privileges} ON ${table} TO ${name}`);
    }
    // bigserial ids on append-only tables need nextval; that changes no row.
    await tx.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${name}`);
    await tx.query(`REVOKE ALL ON FUNCTION ${PURGE_FUNCTION} FROM PUBLIC`);
    await tx.query(`GRANT EXECUTE ON FUNCTION ${PURGE_FUNCTION} TO ${name}`);
  });
}
