/**
 * Migration 20: approved message templates (shared/protocol/template-api.ts), kept by IT
 * (server/templates/template-admin.ts) and offered to clinicians by role and department. A
 * template is data: a name, a body in the template language (checked before it is stored) and
 * its audience as two lists, an empty one meaning "any". `version` grows with every change, so
 * an edit made from an older version is refused rather than silently overwriting another
 * admin's. Retired templates stay (the trail names them by id); they are no longer offered.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0020: Migration = {
  version: 20,
  name: 'message templates',
  statements: [
    `CREATE TABLE message_templates (
        template_id uuid PRIMARY KEY,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
        body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 1000),
        audience_roles text[] NOT NULL,
        audience_departments text[] NOT NULL,
        retired boolean NOT NULL DEFAULT false,
        version integer NOT NULL CHECK (version >= 1),
        created_at bigint NOT NULL,
        updated_by text NOT NULL,
        updated_at bigint NOT NULL
      )`,
    // The clinician's list: active templates by name.
    'CREATE INDEX message_templates_active ON message_templates (name) WHERE NOT retired',
  ],
};
