/**
 * One handler per `/v1` route, each a line delegating to the module that owns the concept.
 * Permissions: sending needs the role's `messages.use` (shared/access/permission-matrix.ts);
 * everything else a signed-in user does concerns only themselves.
 */
import { roleHas } from '../shared/access/permission-matrix';
import { API_VERSION } from '../shared/protocol/api';
import { mfaStep } from './accounts/mfa-step';
import { passwordStep } from './accounts/password-step';
import { prelogin } from './accounts/prelogin';
import { endOwnSession, listSessions, refreshSession, signOut, type SessionDeps } from './accounts/session-actions';
import type { SignInDeps } from './accounts/sign-in-steps';
import { lookupKeys, searchDirectory } from './directory/directory-search';
import { publishIdentity } from './directory/identity-publishing';
import type { RouteHandlers } from './http/api-routes';
import { fail, succeed } from './outcome';
import { readFeed } from './relay/feed-store';
import { conversationHistory } from './relay/history';
import { recallMessage } from './relay/recall';
import { recordReceipts } from './relay/receipts';
import { sendMessage, type RelayDeps } from './relay/send-message';
import { acceptAuditBatch, type AuditIntakeDeps } from './audit/audit-intake';
import { exportAuditSelection, searchAudit } from './audit/audit-search';

export interface ApiDeps extends SignInDeps, SessionDeps, RelayDeps {
  readonly preloginSecret: Buffer;
  /** The KDF cost new accounts get, and unknown ids are told. */
  readonly accountKdf: { readonly memoryMiB: number; readonly passes: number };
  readonly audit: AuditIntakeDeps;
}

export function createApiHandlers(deps: ApiDeps): RouteHandlers {
  const { db, clock } = deps;
  return {
    health: () => Promise.resolve(succeed({ status: 'ok', version: API_VERSION })),
    prelogin: async ({ body }) => succeed(await prelogin(db, deps.preloginSecret, deps.accountKdf, body.userId)),
    login: ({ body, remoteAddress }) => passwordStep(deps, body, remoteAddress),
    verifyMfa: ({ body, remoteAddress }) => mfaStep(deps, body, remoteAddress),
    refresh: ({ body, session }) => refreshSession(deps, session, body),
    logout: ({ session }) => signOut(deps, session),
    listSessions: ({ session }) => listSessions(deps, session),
    endSession: async ({ body, session }) => {
      const ended = await endOwnSession(deps, session, body);
      if (ended.ok) deps.onAccountEvent?.();
      return ended;
    },
    publishIdentity: ({ body, session }) => publishIdentity(db, session.userId, body, clock()),
    searchDirectory: async ({ body }) => succeed(await searchDirectory(db, body.query, body.limit)),
    lookupKeys: async ({ body }) => succeed(await lookupKeys(db, body.userIds)),
    send: async ({ body, session }) => (roleHas(session.role, 'messages.use') ? sendMessage(deps, session, body.envelope) : fail('FORBIDDEN')),
    receipts: async ({ body, session }) => succeed(await recordReceipts(deps, session, body)),
    recall: ({ body, session }) => recallMessage(deps, session, body),
    feed: async ({ body, session }) => succeed(await readFeed(db, session.userId, body.after, body.limit, clock())),
    history: async ({ body, session }) => succeed(await conversationHistory(deps, session, body)),
    auditBatch: ({ body }) => acceptAuditBatch(deps.audit, body),
    auditSearch: ({ body, session }) => searchAudit(deps.audit, session, body),
    auditExport: ({ body, session }) => exportAuditSelection(deps.audit, session, body),
  };
}
