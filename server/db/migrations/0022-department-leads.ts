/**
 * Migration 22: department leads (server/accounts/department-lead.ts). IT marks a person lead of
 * their own department; a lead keeps that department's approved templates
 * (server/templates/lead-templates.ts). The column holds the department they were made lead of,
 * not a bare flag: the power holds only while it is still the department on their account, so a
 * move (by SCIM or anything else) ends it at once without anyone remembering to clear it, and
 * never carries it to the new department. Null: not a lead.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0022: Migration = {
  version: 22,
  name: 'department leads',
  statements: [
    `ALTER TABLE accounts ADD COLUMN leads_department text
        CHECK (leads_department IS NULL OR char_length(leads_department) BETWEEN 1 AND 200)`,
  ],
};
