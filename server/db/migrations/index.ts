/**
 * The server schema as forward-only migrations, shared by PGlite and PostgreSQL, in the order
 * they run. One file per migration, `000N-<what it does>.ts`.
 *
 * A migration is never edited once released: databases in service have already run it, so a
 * change to the schema is a new file with the next version, added at the end of this list.
 * test/unit/server/migrations-pinned.test.ts fails if a released migration's SQL changes.
 *
 * What is stored where: accounts and the directory are plaintext by design (names, roles,
 * departments); everything about messages is ciphertext or routing metadata (ids, times, user
 * ids). Binary values are text (base64 or hex) so both drivers return them the same way.
 */
import type { Migration } from '../migration';
import { MIGRATION_0001 } from './0001-accounts-directory-sessions-relay';
import { MIGRATION_0002 } from './0002-account-events';
import { MIGRATION_0003 } from './0003-audit-trail';
import { MIGRATION_0004 } from './0004-siem-cursor-server-chain';
import { MIGRATION_0005 } from './0005-admin-events';
import { MIGRATION_0006 } from './0006-retention-from-receive-time';
import { MIGRATION_0007 } from './0007-purge-stubs';
import { MIGRATION_0008 } from './0008-served-events';
import { MIGRATION_0009 } from './0009-sign-in-throttle';
import { MIGRATION_0010 } from './0010-session-authenticated-at';
import { MIGRATION_0011 } from './0011-enrollment-codes';
import { MIGRATION_0012 } from './0012-workstation-contact-and-revocation';
import { MIGRATION_0013 } from './0013-scim-provisioning';
import { MIGRATION_0014 } from './0014-device-commands';
import { MIGRATION_0015 } from './0015-siem-forwarder-lease';
import { MIGRATION_0016 } from './0016-role-shifts';
import { MIGRATION_0017 } from './0017-availability';
import { MIGRATION_0018 } from './0018-acknowledgement-escalation';
import { MIGRATION_0019 } from './0019-role-escalation-times';
import { MIGRATION_0020 } from './0020-message-templates';
import { MIGRATION_0021 } from './0021-attachment-blobs';
import { MIGRATION_0022 } from './0022-department-leads';
import { MIGRATION_0023 } from './0023-message-legal-holds';
import { MIGRATION_0024 } from './0024-message-retention';
import { MIGRATION_0025 } from './0025-identity-key-history';
import { MIGRATION_0026 } from './0026-role-address-retention';
import { MIGRATION_0027 } from './0027-feed-heads';
import { MIGRATION_0028 } from './0028-statement-refusal';

export type { Migration } from '../migration';

export const MIGRATIONS: readonly Migration[] = [
  MIGRATION_0001,
  MIGRATION_0002,
  MIGRATION_0003,
  MIGRATION_0004,
  MIGRATION_0005,
  MIGRATION_0006,
  MIGRATION_0007,
  MIGRATION_0008,
  MIGRATION_0009,
  MIGRATION_0010,
  MIGRATION_0011,
  MIGRATION_0012,
  MIGRATION_0013,
  MIGRATION_0014,
  MIGRATION_0015,
  MIGRATION_0016,
  MIGRATION_0017,
  MIGRATION_0018,
  MIGRATION_0019,
  MIGRATION_0020,
  MIGRATION_0021,
  MIGRATION_0022,
  MIGRATION_0023,
  MIGRATION_0024,
  MIGRATION_0025,
  MIGRATION_0026,
  MIGRATION_0027,
  MIGRATION_0028,
];
