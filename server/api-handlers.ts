/**
 * One handler per `/v1` route, each a line delegating to the module that owns the concept.
 * Permissions: sending needs the role's `messages.use` (shared/access/permission-matrix.ts);
 * everything else a signed-in user does concerns only themselves.
 */
import { roleHas } from '../shared/access/permission-matrix';
import { API_VERSION } from '../shared/protocol/api';
import { enrollmentStep } from './accounts/enrollment-step';
import { mfaStep } from './accounts/mfa-step';
import { passwordStep } from './accounts/password-step';
import { prelogin } from './accounts/prelogin';
import { reauthenticate } from './accounts/reauthenticate';
import { createAdminHandlers } from './admin/admin-api-handlers';
import { createAdminDirectoryHandlers } from './admin/admin-directory-handlers';
import { createAdminLogHandlers } from './admin/admin-log-handlers';
import { createAdminRetentionHandlers, type AdminRetentionDeps } from './admin/admin-retention-handlers';
import { createAdminScheduleHandlers } from './admin/admin-schedule-handlers';
import { createAdminScimHandlers } from './admin/admin-scim-handlers';
import type { AuthenticatedSession } from './accounts/session-store';
import { endOwnSession, listSessions, refreshSession, signOut, type SessionDeps } from './accounts/session-actions';
import type { SignInDeps } from './accounts/sign-in-steps';
import { setOwnAvailability } from './directory/availability-setting';
import { lookupKeys, searchDirectory } from './directory/directory-search';
import { publishIdentity } from './directory/identity-publishing';
import type { RouteHandlers } from './http/api-routes';
import { fail, succeed, type Outcome } from './outcome';
import { readFeed } from './relay/feed-store';
import { conversationHistory } from './relay/history';
import { acknowledgeMessage } from './relay/acknowledge';
import type { RoleEscalationTimes } from '../shared/protocol/escalation';
import { recallMessage } from './relay/recall';
import { recordReceipts } from './relay/receipts';
import { sendMessage, type SendDeps } from './relay/send-message';
import { acceptAuditBatch, type AuditIntakeDeps } from './audit/audit-intake';
import { exportAuditSelection, searchAudit } from './audit/audit-search';
import { recordServed, servedEvent } from './audit/served-events';
import { hasPendingCommands } from './devices/device-command-store';
import { createDeviceCommandHandlers } from './devices/device-command-handlers';
import { recordMatterExport } from './holds/matter-export-record';
import { listMessageHolds, matterMessages, placeMessageHold, releaseMessageHold } from './holds/message-holds';
import { createLeadTemplateHandlers } from './templates/lead-template-handlers';
import { createTemplateHandlers } from './templates/template-handlers';

export interface ApiDeps extends SignInDeps, SessionDeps, SendDeps, AdminRetentionDeps {
  /** Something the server served was written to its audit outbox (served-events.ts): fold it soon. */
  readonly onServed?: () => void;
  readonly preloginSecret: Buffer;
  /** The KDF cost new accounts get, and unknown ids are told. */
  readonly accountKdf: { readonly memoryMiB: number; readonly passes: number };
  readonly audit: AuditIntakeDeps;
  /** The deployment's FHIR code-system base for audit exports (shared/audit/export-naming.ts). */
  readonly fhirCodeSystemBase?: string;
  /** A `--demo` server: its health answer says so, for the sign-in screen's demo note. */
  readonly demo: boolean;
  /** When role addresses' STAT messages re-alert and escalate (default DEFAULT_ESCALATION_TIMES). */
  readonly escalation?: RoleEscalationTimes;
  /** The organisation's message retention bound in days (server option), shown beside an address's own. */
  readonly retentionDays: number;
}

export function createApiHandlers(deps: ApiDeps): RouteHandlers {
  const { db, clock } = deps;
  /** The handler's answer, after asking for a fold of what it recorded on the server's chain. */
  const served = async <T>(answer: Promise<T>): Promise<T> => {
    try {
      return await answer;
    } finally {
      deps.onServed?.();
    }
  };
  /** An audit search or export, then its record on the server's chain: its count, or the refusal's code. */
  const audited = async <T>(
    session: AuthenticatedSession,
    action: 'search.performed' | 'export.created',
    answer: Promise<Outcome<T>>,
    count: (value: T) => number,
  ): Promise<Outcome<T>> => {
    const outcome = await answer;
    const said = { at: clock(), actor: session.userId, action };
    await recordServed(
      db,
      outcome.ok
        ? servedEvent({ ...said, object: { kind: 'search', resultCount: count(outcome.value) } })
        : servedEvent({ ...said, outcome: 'failure', reason: outcome.error }),
    );
    return outcome;
  };
  return {
    health: () => Promise.resolve(succeed({ status: 'ok', version: API_VERSION, demo: deps.demo })),
    prelogin: async ({ body }) => succeed(await prelogin(db, deps.preloginSecret, deps.accountKdf, body.userId)),
    login: ({ body, remoteAddress, clientVersion }) => served(passwordStep(deps, body, remoteAddress, clientVersion)),
    enroll: ({ body, remoteAddress, clientVersion }) =>
      served(enrollmentStep(deps, body, remoteAddress, clientVersion)),
    verifyMfa: ({ body, remoteAddress, clientVersion }) => served(mfaStep(deps, body, remoteAddress, clientVersion)),
    refresh: ({ body, session, clientVersion }) => refreshSession(deps, session, body, clientVersion),
    logout: ({ session }) => served(signOut(deps, session)),
    reauthenticate: ({ body, session, remoteAddress }) => reauthenticate(deps, session, body, remoteAddress),
    listSessions: ({ session }) => listSessions(deps, session),
    endSession: async ({ body, session }) => {
      const ended = await served(endOwnSession(deps, session, body));
      if (ended.ok) deps.onAccountEvent?.();
      return ended;
    },
    publishIdentity: ({ body, session }) => publishIdentity(db, session.userId, body, clock()),
    searchDirectory: async ({ body }) =>
      succeed(await searchDirectory(db, body.query, body.limit, clock(), deps.escalation)),
    lookupKeys: async ({ body }) => succeed(await lookupKeys(db, body.userIds, clock())),
    setAvailability: ({ body, session }) => setOwnAvailability(deps, session.userId, body.availability),
    send: ({ body, session }) =>
      served(
        roleHas(session.role, 'messages.use')
          ? sendMessage(deps, session, body.envelope)
          : Promise.resolve(fail('FORBIDDEN')),
      ),
    receipts: async ({ body, session }) => succeed(await recordReceipts(deps, session, body)),
    recall: ({ body, session }) => recallMessage(deps, session, body),
    acknowledge: ({ body, session }) => acknowledgeMessage(deps, session, body),
    feed: async ({ body, session }) => succeed(await readFeed(db, session.userId, body.after, body.limit, clock())),
    history: ({ body, session }) =>
      served(
        (async () => {
          const page = await conversationHistory(deps, session, body);
          await recordServed(
            db,
            servedEvent({
              at: clock(),
              actor: session.userId,
              action: 'history.read',
              object: { kind: 'conversation', id: body.conversationId },
            }),
          );
          return succeed(page);
        })(),
      ),
    auditBatch: async ({ body, clientVersion, commandsPending }) => {
      const answer = await acceptAuditBatch(deps.audit, body, clientVersion);
      // Only to the device that proved itself: anyone else learns nothing of its commands.
      if (answer.ok && (await hasPendingCommands(db, body.deviceId))) commandsPending();
      return answer;
    },
    auditSearch: ({ body, session }) =>
      served(
        audited(session, 'search.performed', searchAudit(deps.audit, session, body), (found) => found.entries.length),
      ),
    auditExport: ({ body, session }) =>
      served(
        audited(
          session,
          'export.created',
          exportAuditSelection(
            deps.fhirCodeSystemBase === undefined
              ? deps.audit
              : { ...deps.audit, codeSystemBase: deps.fhirCodeSystemBase },
            session,
            body,
          ),
          (exported) => exported.records,
        ),
      ),
    ...createAdminHandlers(deps),
    ...createAdminDirectoryHandlers(deps),
    ...createAdminScheduleHandlers(deps),
    ...createAdminLogHandlers({
      db,
      clock,
      chainId: deps.audit.chainId,
      ...(deps.onServed === undefined ? {} : { onServed: deps.onServed }),
    }),
    ...createAdminRetentionHandlers(deps),
    ...createAdminScimHandlers(deps),
    ...createTemplateHandlers(deps),
    ...createLeadTemplateHandlers(deps),
    messageHolds: () => listMessageHolds(deps),
    placeMessageHold: ({ body, session }) => served(placeMessageHold(deps, session, body)),
    releaseMessageHold: ({ body, session }) => served(releaseMessageHold(deps, session, body)),
    recordMatterExport: ({ body, session }) =>
      served(recordMatterExport({ db, clock, auditKey: deps.audit.key.publicKey }, session, body)),
    matterMessages: ({ body, session }) =>
      served(audited(session, 'export.created', matterMessages(deps, body), (page) => page.messages.length)),
    ...createDeviceCommandHandlers({
      db,
      clock,
      key: deps.audit.key,
      ...(deps.onServed === undefined ? {} : { onServed: deps.onServed }),
    }),
  };
}
