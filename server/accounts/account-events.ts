/**
 * A record of every action that ends or restores someone's access: an account deactivated or
 * reactivated, sessions revoked by IT, a session ended by its own user from another
 * workstation. Who (the actor), what, whose, when, and how many sessions it ended; never
 * anything about messages. Written in the same transaction as the change it records
 * (account-event-store.ts).
 */

export const ACCOUNT_EVENT_ACTIONS = [
  'account.deactivated',
  'account.reactivated',
  'sessions.revoked',
  'session.ended-by-user',
] as const;
export type AccountEventAction = (typeof ACCOUNT_EVENT_ACTIONS)[number];

/** The operator's programmatic admin API has no signed-in identity of its own yet. */
export const SERVER_OPERATOR = 'server-operator';

export interface AccountEvent {
  readonly at: number;
  readonly actor: string;
  readonly action: AccountEventAction;
  readonly targetUserId: string;
  readonly sessionsEnded: number;
}
