/**
 * Message templates (migration 20): SQL only. Who may change them and what is recorded is
 * template-admin.ts's; what a clinician is offered is `activeTemplatesFor`'s one query.
 *
 * A change names the version it was made from, and the version check is in the UPDATE itself:
 * of two admins saving the same template at once, one UPDATE matches the row and bumps its
 * version, and the other, re-reading the row after the first commits, matches nothing and is
 * told the template changed. No read-then-write across an await.
 *
 * A change may be scoped to one department (a department lead's, lead-templates.ts): then it
 * touches only a template whose audience departments are exactly that one, in the same UPDATE,
 * so a template IT widened meanwhile is out of reach however the two interleave.
 */
import type { Role } from '../../shared/access/permission-matrix';
import type { AdminTemplate, MessageTemplate, TemplateAudience } from '../../shared/protocol/template-api';
import type { Queryable } from '../db/database';

type TemplateRow = {
  template_id: string;
  name: string;
  body: string;
  audience_roles: string[];
  audience_departments: string[];
  retired: boolean;
  version: number | string;
  updated_by: string;
  updated_at: number | string;
};

const COLUMNS =
  'template_id, name, body, audience_roles, audience_departments, retired, version, updated_by, updated_at';

function adminTemplateOf(row: TemplateRow): AdminTemplate {
  return {
    templateId: row.template_id,
    version: Number(row.version),
    name: row.name,
    body: row.body,
    audience: { roles: row.audience_roles as Role[], departments: row.audience_departments },
    retired: row.retired,
    updatedBy: row.updated_by,
    updatedAt: Number(row.updated_at),
  };
}

export interface TemplateContent {
  readonly name: string;
  readonly body: string;
  readonly audience: TemplateAudience;
}

export async function insertTemplate(
  tx: Queryable,
  template: TemplateContent & { readonly templateId: string; readonly at: number; readonly by: string },
): Promise<AdminTemplate> {
  const [row] = await tx.query<TemplateRow>(
    `INSERT INTO message_templates (template_id, name, body, audience_roles, audience_departments, version,
       created_at, updated_by, updated_at)
     VALUES ($1, $2, $3, $4::text[], $5::text[], 1, $6, $7, $6) RETURNING ${COLUMNS}`,
    [
      template.templateId,
      template.name,
      template.body,
      template.audience.roles,
      template.audience.departments,
      template.at,
      template.by,
    ],
  );
  if (row === undefined) throw new Error('template insert returned nothing');
  return adminTemplateOf(row);
}

/** Which templates a change or list may reach: any (null, IT's), or only those for exactly this department. */
export type TemplateScope = string | null;

/** `audience_departments` is exactly the scope's department, or there is no scope ($n the scope). */
const inScope = (n: number) => `($${String(n)}::text IS NULL OR audience_departments = ARRAY[$${String(n)}::text])`;

/**
 * What a versioned change found: done, the template moved on since `version`, no such template,
 * or one outside the change's scope.
 */
export type VersionedChange = { readonly done: AdminTemplate } | 'stale' | 'missing' | 'outside';

async function whyUnchanged(
  tx: Queryable,
  templateId: string,
  scope: TemplateScope,
): Promise<'stale' | 'missing' | 'outside'> {
  const [row] = await tx.query<{ in_scope: boolean }>(
    `SELECT ${inScope(2)} AS in_scope FROM message_templates WHERE template_id = $1`,
    [templateId, scope],
  );
  if (row === undefined) return 'missing';
  return row.in_scope ? 'stale' : 'outside';
}

export async function updateTemplate(
  tx: Queryable,
  change: TemplateContent & {
    readonly templateId: string;
    readonly version: number;
    readonly at: number;
    readonly by: string;
  },
  scope: TemplateScope = null,
): Promise<VersionedChange> {
  const [row] = await tx.query<TemplateRow>(
    `UPDATE message_templates SET name = $3, body = $4, audience_roles = $5::text[], audience_departments = $6::text[],
       version = version + 1, updated_by = $7, updated_at = $8
     WHERE template_id = $1 AND version = $2 AND ${inScope(9)} RETURNING ${COLUMNS}`,
    [
      change.templateId,
      change.version,
      change.name,
      change.body,
      change.audience.roles,
      change.audience.departments,
      change.by,
      change.at,
      scope,
    ],
  );
  return row === undefined ? whyUnchanged(tx, change.templateId, scope) : { done: adminTemplateOf(row) };
}

export async function setTemplateRetired(
  tx: Queryable,
  change: {
    readonly templateId: string;
    readonly version: number;
    readonly retired: boolean;
    readonly at: number;
    readonly by: string;
  },
  scope: TemplateScope = null,
): Promise<VersionedChange> {
  const [row] = await tx.query<TemplateRow>(
    `UPDATE message_templates SET retired = $3, version = version + 1, updated_by = $4, updated_at = $5
     WHERE template_id = $1 AND version = $2 AND ${inScope(6)} RETURNING ${COLUMNS}`,
    [change.templateId, change.version, change.retired, change.by, change.at, scope],
  );
  return row === undefined ? whyUnchanged(tx, change.templateId, scope) : { done: adminTemplateOf(row) };
}

/** Arbitrary, fixed: the advisory lock class under which one department's templates are counted (with its hash). */
const DEPARTMENT_TEMPLATES_LOCK_CLASS = 0x54_45_4d_50;

/**
 * Whether one more active template for exactly this department stays within `max`. Counted
 * under a lock per department held to the end of the caller's transaction, so twenty creates at
 * once cannot all see room for one more.
 */
export async function departmentHasRoom(tx: Queryable, department: string, max: number): Promise<boolean> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [DEPARTMENT_TEMPLATES_LOCK_CLASS, department]);
  const [row] = await tx.query<{ active: number | string }>(
    'SELECT count(*) AS active FROM message_templates WHERE NOT retired AND audience_departments = ARRAY[$1::text]',
    [department],
  );
  return Number(row?.active ?? 0) < max;
}

/** Every template in scope by name (then id, so pages never skip one), a page after `after`. */
export async function templatePage(
  db: Queryable,
  input: { readonly after: string | null; readonly limit: number },
  scope: TemplateScope = null,
): Promise<{ templates: AdminTemplate[]; more: boolean }> {
  const rows = await db.query<TemplateRow>(
    `SELECT ${COLUMNS} FROM message_templates t
     WHERE ${inScope(3)}
       AND ($1::uuid IS NULL OR (t.name, t.template_id) > (SELECT name, template_id FROM message_templates WHERE template_id = $1::uuid))
     ORDER BY t.name, t.template_id LIMIT $2`,
    [input.after, input.limit + 1, scope],
  );
  return { templates: rows.slice(0, input.limit).map(adminTemplateOf), more: rows.length > input.limit };
}

/**
 * The active templates for this person's role and department (from their account, so a session
 * cannot claim another department), by name, at most `limit`. An empty audience list is "any".
 */
export async function activeTemplatesFor(db: Queryable, userId: string, limit: number): Promise<MessageTemplate[]> {
  const rows = await db.query<Pick<TemplateRow, 'template_id' | 'version' | 'name' | 'body'>>(
    `SELECT t.template_id, t.version, t.name, t.body FROM message_templates t, accounts a
     WHERE a.user_id = $1 AND NOT t.retired
       AND (cardinality(t.audience_roles) = 0 OR a.role = ANY(t.audience_roles))
       AND (cardinality(t.audience_departments) = 0 OR a.department = ANY(t.audience_departments))
     ORDER BY t.name, t.template_id LIMIT $2`,
    [userId, limit],
  );
  return rows.map((row) => ({
    templateId: row.template_id,
    version: Number(row.version),
    name: row.name,
    body: row.body,
  }));
}
