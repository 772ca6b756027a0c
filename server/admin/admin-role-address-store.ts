/**
 * Role addresses as the Administration view reads them: a page of addresses with how many
 * members each has, and one address with every member (active or not, with their role), and its
 * escalation times and message retention bound beside the organisation's.
 */
import type { Role } from '../../shared/access/permission-matrix';
import {
  ROLE_ADDRESS_MEMBERS_MAX,
  type AdminRoleAddress,
  type AdminRoleAddressSummary,
} from '../../shared/protocol/admin-directory-api';
import type { RoleEscalationTimes } from '../../shared/protocol/escalation';
import type { Queryable } from '../db/database';
import { containsPattern } from '../directory/like-pattern';
import { ESCALATION_COLUMNS, escalationOf, type EscalationRow } from '../directory/role-escalation-store';

type SummaryRow = {
  address_id: string;
  display_name: string;
  department: string;
  description: string;
  member_count: number | string;
};

const SUMMARY = `r.address_id, r.display_name, r.department, r.description,
  (SELECT count(*) FROM role_members m WHERE m.address_id = r.address_id) AS member_count`;

const summaryOf = (row: SummaryRow): AdminRoleAddressSummary => ({
  addressId: row.address_id,
  displayName: row.display_name,
  department: row.department,
  description: row.description,
  memberCount: Number(row.member_count),
});

/**
 * One page of the addresses whose id or name contains `query` (any case, literally), in id
 * order after `after`; `more` says whether another page follows.
 */
export async function searchAdminRoleAddresses(
  db: Queryable,
  input: { readonly query: string; readonly after: string | null; readonly limit: number },
): Promise<{ roleAddresses: AdminRoleAddressSummary[]; more: boolean }> {
  const rows = await db.query<SummaryRow>(
    `SELECT ${SUMMARY} FROM role_addresses r
     WHERE (r.address_id ILIKE $1 ESCAPE '\\' OR r.display_name ILIKE $1 ESCAPE '\\')
       AND ($2::text IS NULL OR r.address_id > $2)
     ORDER BY r.address_id LIMIT $3`,
    [containsPattern(input.query), input.after, input.limit + 1],
  );
  return { roleAddresses: rows.slice(0, input.limit).map(summaryOf), more: rows.length > input.limit };
}

/** What an address follows where it has nothing of its own: the server's options. */
export interface OrganisationDefaults {
  readonly escalation: RoleEscalationTimes;
  readonly retentionDays: number;
}

/** The address with its members by name, or null if there is none. */
export async function adminRoleAddressOf(
  db: Queryable,
  addressId: string,
  organisation: OrganisationDefaults,
): Promise<AdminRoleAddress | null> {
  const [address] = await db.query<SummaryRow & EscalationRow & { retention_days: number | null }>(
    `SELECT ${SUMMARY}, ${ESCALATION_COLUMNS}, r.retention_days FROM role_addresses r WHERE r.address_id = $1`,
    [addressId],
  );
  if (address === undefined) return null;
  const members = await db.query<{ user_id: string; display_name: string; role: Role; active: boolean }>(
    `SELECT a.user_id, a.display_name, a.role, a.active FROM role_members m JOIN accounts a ON a.user_id = m.user_id
     WHERE m.address_id = $1 ORDER BY a.display_name, a.user_id LIMIT $2`,
    // The admin API keeps an address within the limit; one the operator saved larger shows its first.
    [addressId, ROLE_ADDRESS_MEMBERS_MAX],
  );
  return {
    ...summaryOf(address),
    escalation: escalationOf(address),
    organisationEscalation: organisation.escalation,
    retentionDays: address.retention_days,
    organisationRetentionDays: organisation.retentionDays,
    members: members.map((row) => ({
      userId: row.user_id,
      displayName: row.display_name,
      role: row.role,
      active: row.active,
    })),
  };
}
