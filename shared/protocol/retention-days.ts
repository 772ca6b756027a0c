/**
 * The range of a server retention bound in days, shared by the organisation's bound (server
 * option `messageRetentionDays`, server/retention/message-retention.ts) and a role address's own
 * (the admin API, shared/protocol/admin-directory-api.ts), so IT meets one rule wherever it sets
 * one. Below the minimum is refused because a bound that short is far likelier a slip (years
 * typed as days) than a policy; beyond a hundred years a cutoff says nothing a longer one would not.
 */
import { z } from 'zod';

/** Six years, as the audit trail keeps its records. */
export const DEFAULT_MESSAGE_RETENTION_DAYS = 2190;
export const MIN_MESSAGE_RETENTION_DAYS = 30;
export const MAX_MESSAGE_RETENTION_DAYS = 36_500;

/** A whole number of days within the range. */
export const retentionDays = z.number().int().min(MIN_MESSAGE_RETENTION_DAYS).max(MAX_MESSAGE_RETENTION_DAYS);
