/**
 * The server's programmatic administration: what tests, the demo seeder and an embedding app
 * use to manage accounts. Not reachable over the network in this version.
 */
import { createAccount, deactivateAccount, reactivateAccount, revokeSessions, type AccountAdminDeps, type NewAccount } from '../accounts/account-admin';
import { accountEventsOf, type AccountEvent } from '../accounts/account-events';
import type { RoleAddress } from '../directory/role-address-store';
import { storeRoleAddress } from '../directory/role-address-store';
import { sweepExpired, type HousekeepingDeps, type SweepResult } from './housekeeping';

export interface ServerAdmin {
  createAccount(input: NewAccount): Promise<void>;
  createRoleAddress(input: RoleAddress & { readonly members: readonly string[] }): Promise<void>;
  /** Signs the account out everywhere (`session-ended: deactivated`) and keeps it out. */
  deactivate(userId: string): Promise<void>;
  reactivate(userId: string): Promise<void>;
  /** Ends every session of the account (`session-ended: revoked`); returns how many. */
  revokeSessions(userId: string): Promise<number>;
  sweepExpired(): Promise<SweepResult>;
  /** Who ended or restored this account's access, and when (for compliance). */
  accountEvents(userId: string): Promise<AccountEvent[]>;
}

export function createServerAdmin(deps: AccountAdminDeps & HousekeepingDeps): ServerAdmin {
  return {
    createAccount: (input) => createAccount(deps, input),
    createRoleAddress: (input) => deps.db.transaction((tx) => storeRoleAddress(tx, input, input.members)),
    deactivate: (userId) => deactivateAccount(deps, userId),
    reactivate: (userId) => reactivateAccount(deps, userId),
    revokeSessions: (userId) => revokeSessions(deps, userId),
    sweepExpired: () => sweepExpired(deps),
    accountEvents: (userId) => accountEventsOf(deps.db, userId),
  };
}
