/**
 * The first IT admin of a new server (`npm run admin -- create-admin`): created like anyone else
 * (pending, with a one-time enrollment code; nobody chooses their password for them), by whoever
 * can read the server's data folder, since only they reach this (the local admin endpoint's token
 * lives there, and so does the embedded database). There is deliberately no network route: on a
 * fresh server, whoever reached it first would become its admin. Once an active admin exists, a
 * second one is made here only when asked for explicitly (`another`): afterwards IT creates
 * admins from the Administration view, recorded under their own names.
 */
import { z } from 'zod';
import { account } from '../../shared/protocol/account';
import type { EnrollmentGrant } from '../../shared/protocol/admin-api';
import { err, ok, type Result } from '../../shared/result';
import { AccountAdminError } from '../accounts/account-admin';
import { createPendingAccount } from '../accounts/account-enrollment';
import { SERVER_OPERATOR } from '../accounts/account-events';
import type { Clock } from '../clock';
import type { Database } from '../db/database';

/** What create-admin is given: the directory fields of an IT admin, and whether one may already exist. */
export const bootstrapRequest = z.strictObject({
  admin: account.omit({ role: true }),
  another: z.boolean(),
});
export type BootstrapRequest = z.infer<typeof bootstrapRequest>;

export type BootstrapRefusal = 'ADMIN_EXISTS' | 'ACCOUNT_EXISTS' | 'INVALID_ACCOUNT';

export async function bootstrapAdmin(
  deps: { readonly db: Database; readonly clock: Clock; readonly kdf: { memoryMiB: number; passes: number } },
  request: BootstrapRequest,
): Promise<Result<EnrollmentGrant, BootstrapRefusal>> {
  const admins = await deps.db.query("SELECT 1 FROM accounts WHERE role = 'it-admin' AND active LIMIT 1");
  if (admins.length > 0 && !request.another) return err('ADMIN_EXISTS');
  try {
    return ok(await createPendingAccount(deps, { ...request.admin, role: 'it-admin' }, SERVER_OPERATOR));
  } catch (error) {
    if (error instanceof AccountAdminError && (error.code === 'ACCOUNT_EXISTS' || error.code === 'INVALID_ACCOUNT'))
      return err(error.code);
    throw error;
  }
}
