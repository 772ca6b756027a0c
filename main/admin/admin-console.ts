/**
 * The Administration view's work in main: each admin channel (shared/ipc/admin-channels.ts) is
 * one call of the server's admin API with the signed-in admin's session token
 * (admin-route-call.ts). People, their accounts and re-authentication are here; role addresses
 * and workstations in admin-directory.ts; remote wipe in admin-wipe.ts. The router has
 * already refused every role without `admin.manage`; the server checks the same permission again,
 * and for destructive routes a re-authentication within five minutes, answering
 * REAUTHENTICATION_REQUIRED, which reaches the view as that typed code.
 *
 * Re-authentication is the sign-in's first step again, for the person already signed in: the
 * server's salt and cost (refused below the policy's floor, as at sign-in), the same KDF, and only
 * the auth key sent, with a second-factor code. The derived keys are zeroed as soon as the auth
 * key is encoded; the wrap key is never used. The password never leaves this module.
 *
 * Enrollment codes (a new person, a new code, a password reset) pass through to the view once;
 * main neither keeps nor logs them. An admin may not reset, deactivate or sign out themselves
 * here: it would end the session they are using (the server refuses it too).
 */
import { appError } from '../../shared/errors';
import type { channels } from '../../shared/ipc/contract';
import { ADMIN_LOG_PAGE, ADMIN_PEOPLE_PAGE, type AdminChannelName } from '../../shared/ipc/admin-channels';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { fromBase64, toBase64 } from '../../shared/node/crypto/base64';
import type { HandlersFor } from '../ipc/router';
import type { KdfParams } from '../keys/kdf-params';
import { KeyDerivationError, SALT_BYTES, zeroPasswordKeys, type PasswordKeys } from '../keys/password-kdf';
import type { Logger } from '../logging/logger';
import type { ApiClient } from '../server-link/api-client';
import { createAdminDirectory } from './admin-directory';
import { createAdminSchedule } from './admin-schedule';
import { createAdminTemplates } from './admin-templates';
import { adminRefusal, createAdminRouteCall } from './admin-route-call';
import { createAdminWipe } from './admin-wipe';

export interface AdminConsoleDeps {
  /** Null when no server is configured: every channel says so. */
  readonly api: ApiClient | null;
  /** The signed-in admin's server token; null while locked or signed out. */
  readonly token: () => string | null;
  /** The signed-in admin's user id; null while locked or signed out. */
  readonly userId: () => string | null;
  /** This workstation's device id on the server; null while locked or signed out. */
  readonly deviceId: () => string | null;
  /** The sign-in's own derivation (main/keys/password-kdf.ts). */
  readonly derive: (password: string, salt: Uint8Array, params: KdfParams) => Promise<PasswordKeys>;
  /** Policy: the cheapest derivation accepted from the server, as at sign-in. */
  readonly kdfFloor: KdfParams;
  readonly logger: Logger;
}

export type AdminConsoleHandlers = Pick<HandlersFor<typeof channels>, AdminChannelName>;

export function createAdminConsole(deps: AdminConsoleDeps): AdminConsoleHandlers {
  const ask = createAdminRouteCall(deps);
  /** The admin signed in here would end their own session: refused before asking. */
  const notSelf = <T>(userId: string, act: () => Promise<IpcResult<T>>): Promise<IpcResult<T>> =>
    userId === deps.userId() ? Promise.resolve(fail(appError('NOT_PERMITTED'))) : act();

  /** The auth key for `password`, derived as at sign-in; every derived key zeroed before it returns. */
  async function authKeyFor(api: ApiClient, userId: string, password: string): Promise<IpcResult<string>> {
    const pre = await api.call('prelogin', { userId });
    if (!pre.ok) return adminRefusal(pre.error);
    const salt = fromBase64(pre.value.salt, SALT_BYTES);
    if (salt === null) return fail(appError('INTERNAL'));
    const { kdf } = pre.value;
    if (kdf.memoryMiB < deps.kdfFloor.memoryMiB || kdf.passes < deps.kdfFloor.passes)
      return fail(appError('KDF_TOO_WEAK'));
    let keys: PasswordKeys;
    try {
      keys = await deps.derive(password, salt, kdf);
    } catch (error) {
      const weak = error instanceof KeyDerivationError && error.code === 'KDF_TOO_WEAK';
      return fail(appError(weak ? 'KDF_TOO_WEAK' : 'INTERNAL'));
    }
    try {
      return ok(toBase64(keys.authKey));
    } finally {
      await zeroPasswordKeys(keys);
    }
  }

  return {
    'admin.searchPeople': async ({ query, after }) => {
      const found = await ask('adminSearchAccounts', { query, after, limit: ADMIN_PEOPLE_PAGE });
      return found.ok ? ok({ people: found.value.accounts, more: found.value.more }) : found;
    },
    'admin.listSessions': ({ userId }) => ask('adminListSessions', { userId }),
    'admin.deactivate': ({ userId }) => notSelf(userId, () => ask('adminDeactivate', { userId })),
    'admin.reactivate': ({ userId }) => ask('adminReactivate', { userId }),
    'admin.unlock': ({ userId }) => ask('adminUnlock', { userId }),
    'admin.setDepartmentLead': ({ userId, lead }) => ask('adminSetDepartmentLead', { userId, lead }),
    'admin.endSessions': ({ userId }) => ask('adminEndSessions', { userId }),
    'admin.endSession': ({ userId, sessionId }) => ask('adminEndSession', { userId, sessionId }),
    'admin.createPerson': (person) => ask('adminCreateAccount', person),
    'admin.issueEnrollmentCode': ({ userId }) => ask('adminIssueEnrollment', { userId }),
    'admin.resetAuthenticator': ({ userId }) => notSelf(userId, () => ask('adminResetMfa', { userId })),
    'admin.resetPassword': ({ userId }) => notSelf(userId, () => ask('adminResetPassword', { userId })),
    'admin.recentActions': ({ before }) => ask('adminRecentActions', { before, limit: ADMIN_LOG_PAGE }),
    'admin.reauthenticate': async ({ password, code }) => {
      const api = deps.api;
      if (api === null) return fail(appError('NO_SERVER_CONFIGURED'));
      const userId = deps.userId();
      const token = deps.token();
      if (userId === null || token === null) return fail(appError('NOT_SIGNED_IN'));
      const authKey = await authKeyFor(api, userId, password);
      if (!authKey.ok) return authKey;
      const answer = await api.call('reauthenticate', { authKey: authKey.value, code }, token);
      if (!answer.ok) {
        deps.logger.info({ userId, code: answer.error.code }, 're-authentication refused');
        return adminRefusal(answer.error);
      }
      deps.logger.info({ userId }, 're-authenticated');
      return ok({});
    },
    ...createAdminDirectory({ call: ask, deviceId: deps.deviceId }),
    ...createAdminSchedule({ call: ask }),
    ...createAdminTemplates({ call: ask }),
    ...createAdminWipe({ call: ask, deviceId: deps.deviceId, userId: deps.userId }),
  };
}
