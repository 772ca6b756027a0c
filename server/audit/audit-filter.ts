/**
 * What the trail can be searched by: user, patient, workstation, conversation, action and time
 * (what the compliance view filters on), paged by tree index. Checked before it reaches SQL.
 */
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../shared/audit/audit-event';

export const auditFilter = z.strictObject({
  userId: z.string().max(64).nullable().default(null),
  patient: z.string().max(64).nullable().default(null),
  workstationId: z.string().max(64).nullable().default(null),
  /** Records about this conversation or its messages. */
  conversationId: z.string().max(64).nullable().default(null),
  action: z.enum(AUDIT_ACTIONS).nullable().default(null),
  since: z.number().int().nonnegative().nullable().default(null),
  until: z.number().int().nonnegative().nullable().default(null),
  /** Paging: records after this tree index. */
  afterIndex: z.number().int().min(-1).default(-1),
  limit: z.number().int().min(1).max(100_000).default(500),
});
export type AuditFilter = z.input<typeof auditFilter>;
