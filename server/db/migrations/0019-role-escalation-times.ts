/**
 * Migration 19: a role address's own escalation times (shared/protocol/escalation.ts
 * `roleEscalationTimes`), set by IT (server/directory/role-escalation-admin.ts). All null: the
 * address follows the organisation's (server option `escalation`). Backup and everyone are set
 * together or not at all; the re-alert interval may be null beside them ("never re-alert"), but
 * never set without them, so the row reads as one whole plan or none.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0019: Migration = {
  version: 19,
  name: 'role escalation times',
  statements: [
    // Milliseconds, at most a day (the protocol's bound, checked at the route): an integer holds
    // them. IS NOT NULL spelled out: a CHECK that reads NULL passes, so comparisons alone would
    // let half a plan through.
    `ALTER TABLE role_addresses
        ADD COLUMN escalation_repeat_every_ms integer,
        ADD COLUMN escalation_backup_after_ms integer,
        ADD COLUMN escalation_everyone_after_ms integer,
        ADD CONSTRAINT role_addresses_escalation_whole CHECK (
          (escalation_backup_after_ms IS NULL AND escalation_everyone_after_ms IS NULL
            AND escalation_repeat_every_ms IS NULL)
          OR (escalation_backup_after_ms IS NOT NULL AND escalation_everyone_after_ms IS NOT NULL
            AND escalation_backup_after_ms > 0 AND escalation_everyone_after_ms > escalation_backup_after_ms
            AND (escalation_repeat_every_ms IS NULL OR escalation_repeat_every_ms > 0))
        )`,
  ],
};
